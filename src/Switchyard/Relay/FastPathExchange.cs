using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Switchyard.Contracts;
using Switchyard.Protocols;
using Switchyard.Wire;

namespace Switchyard.Relay;

/// <summary>
/// Client and upstream speak the same protocol: the answer is relayed byte for byte, non-stream in one write,
/// streams frame by frame as they arrive (each flushed), with usage tapped on the way.
/// </summary>
internal static class FastPathExchange
{
    public static async Task<GatewayError?> RelayAsync(HttpContext http, HttpResponseMessage upstream, UpstreamCall call,
        ClientProtocol protocol, RequestEnvelope request, RelayContext context)
    {
        if (!context.Stream)
        {
            var bytes = await context.TimeUpstreamAsync(upstream.Content.ReadAsByteArrayAsync(call.Deadline));
            if (protocol.TryReadUsage(bytes, out var usage))
            {
                context.Usage = usage;
            }
            else if (protocol.EstimateUsage(request) is { } estimate)
            {
                context.Usage = estimate;
            }
            var response = http.Response;
            response.StatusCode = (int)upstream.StatusCode;
            response.ContentType = upstream.Content.Headers.ContentType?.ToString() ?? "application/json";
            response.ContentLength = bytes.Length;
            RelayHeaders.WriteOverhead(response, context);
            context.MarkFirstByte();
            await context.BeforeAnswerAsync();
            await response.Body.WriteAsync(bytes, http.RequestAborted);
            return null;
        }
        await StreamResponse.StartAsync(http, context, protocol.StreamContentType);
        var tap = protocol.CreateStreamTap(request);
        var output = http.Response.BodyWriter;
        await using var body = await upstream.Content.ReadAsStreamAsync(call.Deadline);
        var input = PipeReader.Create(body, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024));
        try
        {
            while (true)
            {
                ReadResult read;
                try
                {
                    read = await input.ReadAsync(call.NextStreamRead());
                }
                catch (Exception e) when (e is IOException or HttpRequestException)
                {
                    return await StreamResponse.FailAsync(http, context, protocol, StreamErrors.Broken, tap);
                }
                catch (OperationCanceledException) when (!call.ClientGone)
                {
                    return await StreamResponse.FailAsync(http, context, protocol, call.StreamStalled(), tap);
                }
                var buffer = read.Buffer;
                var wrote = false;
                while (SseFrame.TryRead(ref buffer, out var frame))
                {
                    if (!tap.OnFrame(SseFrame.EventName(frame), SseFrame.Data(frame).Span))
                    {
                        continue;
                    }
                    tap.Relay(frame, SseFrame.Data(frame).Span, output);
                    context.StreamedEvents++;
                    wrote = true;
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                context.Usage = tap.Usage;
                if (wrote && !await StreamResponse.FlushAsync(http, context))
                {
                    return StreamErrors.ClientLeft;
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
        if (tap.Complete(output) is { } incomplete)
        {
            // An error the upstream reported in the stream has reached the client already, in its own protocol.
            return incomplete.Kind == GatewayErrorKind.UpstreamError ? incomplete : await StreamResponse.FailAsync(http, context, protocol, incomplete, tap);
        }
        await StreamResponse.FlushAsync(http, context);
        return null;
    }
}
