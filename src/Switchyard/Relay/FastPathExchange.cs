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
/// <remarks>
/// No extra parse on the way: a non-stream answer is already read whole by the usage reader, and only when that fails
/// is it checked for being JSON at all (a valid answer without usage still passes). A stream frame is checked only at
/// its two ends (<see cref="SseFrame.CanBeEvent"/>); the tap reads the frames that carry usage.
/// </remarks>
internal static class FastPathExchange
{
    public static async Task<GatewayError?> RelayAsync(HttpContext http, HttpResponseMessage upstream, UpstreamCall call,
        ClientProtocol protocol, RequestEnvelope request, RelayContext context, long maxBodyBytes, Security.Redactor redactor)
    {
        if (!context.Stream)
        {
            var (body, readError) = await call.ReadBodyAsync(upstream, maxBodyBytes, context);
            if (body is null)
            {
                return readError;
            }
            using (body)
            {
                var bytes = body.Memory;
                if (protocol.TryReadUsage(bytes.Span, out var usage))
                {
                    context.Usage = usage;
                }
                else if (!JsonShape.IsObject(bytes.Span))
                {
                    return StreamErrors.Malformed;
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
                return await StreamResponse.WriteAsync(http, call, bytes);
            }
        }
        await StreamResponse.StartAsync(http, context, protocol.StreamContentType);
        var tap = protocol.CreateStreamTap(request);
        var output = http.Response.BodyWriter;
        await using var stream = await upstream.Content.ReadAsStreamAsync(call.Deadline);
        var input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024));
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
                    return await StreamResponse.FailAsync(http, context, call, protocol, StreamErrors.Broken, tap);
                }
                catch (OperationCanceledException) when (!call.ClientGone)
                {
                    return await StreamResponse.FailAsync(http, context, call, protocol, call.StreamStalled(), tap);
                }
                var buffer = read.Buffer;
                var wrote = false;
                while (SseFrame.TryRead(ref buffer, out var frame))
                {
                    var data = SseFrame.Data(frame);
                    if (!SseFrame.CanBeEvent(data.Span))
                    {
                        input.AdvanceTo(buffer.Start);
                        return await StreamResponse.FailAsync(http, context, call, protocol, StreamErrors.Malformed, tap);
                    }
                    if (!tap.OnFrame(SseFrame.EventName(frame), data.Span))
                    {
                        continue;
                    }
                    if (data.Span.IndexOf("\"error\""u8) >= 0 && Redacted(frame, data, redactor) is { } clean)
                    {
                        tap.Relay(clean.Frame, clean.Data.Span, output);
                    }
                    else
                    {
                        tap.Relay(frame, data.Span, output);
                    }
                    context.StreamedEvents++;
                    wrote = true;
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                context.Usage = tap.Usage;
                if (buffer.Length > maxBodyBytes)
                {
                    // One event larger than a whole answer may be: the pipe would otherwise hold all of it.
                    return await StreamResponse.FailAsync(http, context, call, protocol, StreamErrors.TooLarge(maxBodyBytes), tap);
                }
                if (wrote && await StreamResponse.FlushAsync(http, context, call) is { } flushError)
                {
                    return flushError;
                }
                context.ClientHasEnd |= wrote && tap.Finished;
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
            return incomplete.Kind == GatewayErrorKind.UpstreamError ? incomplete : await StreamResponse.FailAsync(http, context, call, protocol, incomplete, tap);
        }
        return await StreamResponse.FlushAsync(http, context, call);
    }

    /// <summary>
    /// An error event the upstream put in its stream goes to the client as sent, so it passes the redactor like any
    /// error body: upstreams echo the credentials they were sent. Only frames naming an <c>"error"</c> field are
    /// checked, so ordinary deltas cost one vectorized search. Null when there was nothing to mask.
    /// </summary>
    private static (ReadOnlySequence<byte> Frame, ReadOnlyMemory<byte> Data)? Redacted(in ReadOnlySequence<byte> frame, ReadOnlyMemory<byte> data, Security.Redactor redactor)
    {
        var clean = redactor.RedactBody(data);
        if (clean.Equals(data))
        {
            return null;
        }
        var rebuilt = new ArrayBufferWriter<byte>(clean.Length + 64);
        var eventName = SseFrame.EventName(frame);
        if (!eventName.IsEmpty)
        {
            rebuilt.Write("event: "u8);
            rebuilt.Write(eventName);
            rebuilt.Write("\n"u8);
        }
        // Text redaction keeps line breaks: each line is its own data line, as SSE joins them back.
        var rest = clean.Span;
        while (true)
        {
            var end = rest.IndexOf((byte)'\n');
            rebuilt.Write("data: "u8);
            rebuilt.Write(end < 0 ? rest : rest[..end]);
            if (end < 0)
            {
                break;
            }
            rebuilt.Write("\n"u8);
            rest = rest[(end + 1)..];
        }
        return (new ReadOnlySequence<byte>(rebuilt.WrittenMemory), clean);
    }
}
