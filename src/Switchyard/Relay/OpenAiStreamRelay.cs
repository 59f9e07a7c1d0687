using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Switchyard.Protocols.OpenAi;
using Switchyard.Protocols.Sse;

namespace Switchyard.Relay;

/// <summary>
/// Relays an OpenAI chat-completion stream event by event: each complete SSE frame is written and flushed as
/// soon as it arrives, the usage is tapped on the way, and exactly one <c>data: [DONE]</c> ends a complete stream.
/// </summary>
public static class OpenAiStreamRelay
{
    private static ReadOnlySpan<byte> Done => "data: [DONE]\n\n"u8;
    private static ReadOnlySpan<byte> FrameEnd => "\n\n"u8;

    public static async Task<RelayError?> RelayAsync(
        HttpContext http, HttpResponseMessage upstream, RelayContext context, bool clientWantsUsage,
        CancellationToken deadline, CancellationToken aborted)
    {
        var response = http.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["x-accel-buffering"] = "no";
        OpenAiRelay.WriteOverheadHeader(response, context);
        await response.StartAsync(aborted);

        var output = response.BodyWriter;
        await using var body = await upstream.Content.ReadAsStreamAsync(deadline);
        var input = PipeReader.Create(body, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024));
        var sawDone = false;
        var sawFinish = false;
        try
        {
            while (true)
            {
                ReadResult read;
                try
                {
                    read = await input.ReadAsync(deadline);
                }
                catch (Exception e) when (e is IOException or HttpRequestException)
                {
                    return await BreakAsync(http, context, Broken(sawFinish));
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    return await BreakAsync(http, context, new RelayError(RelayErrorKind.UpstreamTimeout, 504,
                        "The upstream stream did not finish in time (router.request_timeout)."));
                }
                var buffer = read.Buffer;
                var wrote = false;
                while (SseFrame.TryRead(ref buffer, out var frame))
                {
                    var data = SseFrame.Data(frame);
                    var span = data.Span;
                    if (SseFrame.IsDone(span))
                    {
                        if (!sawDone)
                        {
                            output.Write(Done);
                            wrote = true;
                        }
                        sawDone = true;
                        continue;
                    }
                    if (OpenAiUsageReader.MayContainUsage(span) && OpenAiUsageReader.TryRead(span, out var usage, out var hasChoices))
                    {
                        context.Usage = usage;
                        if (!hasChoices && !clientWantsUsage)
                        {
                            // The gateway asked for usage on the client's behalf; a client that did not ask gets no usage chunk.
                            continue;
                        }
                    }
                    if (!sawFinish && span.IndexOf("\"finish_reason\":\""u8) >= 0)
                    {
                        sawFinish = true;
                    }
                    foreach (var segment in frame)
                    {
                        output.Write(segment.Span);
                    }
                    output.Write(FrameEnd);
                    wrote = true;
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                if (wrote)
                {
                    context.MarkFirstByte();
                    var flushed = await output.FlushAsync(aborted);
                    if (flushed.IsCanceled || flushed.IsCompleted)
                    {
                        return new RelayError(RelayErrorKind.ClientDisconnected, 499, "The client closed the connection.");
                    }
                }
                if (read.IsCompleted)
                {
                    break;
                }
            }
        }
        finally
        {
            await input.CompleteAsync();
        }
        if (!sawDone)
        {
            if (!sawFinish)
            {
                return await BreakAsync(http, context, Broken(sawFinish));
            }
            // Some OpenAI-compatible upstreams end without [DONE]; clients that wait for it would hang.
            output.Write(Done);
            await output.FlushAsync(aborted);
        }
        return null;
    }

    private static RelayError Broken(bool sawFinish) => new(RelayErrorKind.UpstreamStreamBroken, 502,
        sawFinish ? "The upstream stream ended without its final event." : "The upstream stream broke before it completed.");

    /// <summary>
    /// The upstream stream failed after the response started: the status can no longer change, so the client gets
    /// an error event, as OpenAI itself sends mid-stream, and the stream ends without <c>[DONE]</c>.
    /// </summary>
    private static async Task<RelayError> BreakAsync(HttpContext http, RelayContext context, RelayError error)
    {
        var output = http.Response.BodyWriter;
        output.Write("data: "u8);
        using (var writer = new System.Text.Json.Utf8JsonWriter(output, OpenAiErrors.WriterOptions))
        {
            OpenAiErrors.WriteBody(writer, error);
        }
        output.Write(FrameEnd);
        await output.FlushAsync(CancellationToken.None);
        context.MarkFirstByte();
        return error;
    }
}
