using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols;
using Switchyard.Wire;

namespace Switchyard.Relay;

/// <summary>
/// Client and upstream speak different protocols: the upstream's answer is read into the canonical model by the
/// provider adapter and written back by the client's codec; streams event by event, each flushed as it is made.
/// </summary>
internal static class ConvertedExchange
{
    public static async Task<GatewayError?> RelayAsync(HttpContext http, HttpResponseMessage upstream, UpstreamCall call,
        ClientProtocol protocol, IClientCodec codec, IProviderAdapter provider, ChatRequest request, RelayContext context, long maxBodyBytes,
        Security.Redactor redactor)
    {
        if (!context.Stream)
        {
            var (upstreamBody, bodyError) = await call.ReadBodyAsync(upstream, maxBodyBytes, context);
            if (upstreamBody is null)
            {
                return bodyError;
            }
            ChatResponse? answer;
            GatewayError? readError;
            int length;
            using (upstreamBody)
            {
                length = upstreamBody.Memory.Length;
                answer = provider.ReadResponse(upstreamBody.Memory.Span, out readError);
                if (answer is null && (readError is null || !JsonShape.IsObject(upstreamBody.Memory.Span)))
                {
                    // Not JSON at all (cut, garbage): malformed, whatever the adapter made of it.
                    return StreamErrors.Malformed;
                }
            }
            if (answer is null)
            {
                // A 2xx that reports a failure (a failed Response) is quoted to the client: it passes the redactor too.
                return readError! with { Message = redactor.Redact(readError!.Message) };
            }
            context.Usage = answer.Usage;
            var body = new ArrayBufferWriter<byte>(length + 256);
            codec.WriteResponse(body, answer, request);
            var response = http.Response;
            response.StatusCode = 200;
            response.ContentType = "application/json";
            response.ContentLength = body.WrittenCount;
            RelayHeaders.WriteOverhead(response, context);
            context.MarkFirstByte();
            await context.BeforeAnswerAsync();
            return await StreamResponse.WriteAsync(http, call, body.WrittenMemory);
        }

        await StreamResponse.StartAsync(http, context, protocol.StreamContentType);
        var parser = provider.CreateStreamParser();
        var writer = protocol.CreateStreamWriter(codec, request);
        var output = http.Response.BodyWriter;
        var events = new List<StreamEvent>(8);
        await using var stream = await upstream.Content.ReadAsStreamAsync(call.Deadline);
        var input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024));
        GatewayError? failure = null;
        try
        {
            var ended = false;
            while (!ended)
            {
                ReadResult read;
                try
                {
                    read = await input.ReadAsync(call.NextStreamRead());
                }
                catch (Exception e) when (e is IOException or HttpRequestException)
                {
                    read = default;
                    parser.OnEnd(events);
                    ended = true;
                }
                catch (OperationCanceledException) when (!call.ClientGone)
                {
                    events.Add(new StreamFailed(call.StreamStalled()));
                    read = default;
                    ended = true;
                }
                if (!ended)
                {
                    var buffer = read.Buffer;
                    while (SseFrame.TryRead(ref buffer, out var frame))
                    {
                        var data = SseFrame.Data(frame);
                        if (!SseFrame.CanBeEvent(data.Span))
                        {
                            events.Add(new StreamFailed(StreamErrors.Malformed));
                            ended = true;
                            break;
                        }
                        parser.OnFrame(SseFrame.EventName(frame), data.Span, events);
                    }
                    input.AdvanceTo(buffer.Start, buffer.End);
                    if (!ended && buffer.Length > maxBodyBytes)
                    {
                        // One event larger than a whole answer may be: the pipe would otherwise hold all of it.
                        events.Add(new StreamFailed(StreamErrors.TooLarge(maxBodyBytes)));
                        ended = true;
                    }
                    else if (!ended && read.IsCompleted)
                    {
                        parser.OnEnd(events);
                        ended = true;
                    }
                }
                foreach (var streamEvent in events)
                {
                    var relayed = streamEvent;
                    if (streamEvent is StreamFailed failed)
                    {
                        // An upstream's own error text is quoted to the client: it passes the redactor like any error body.
                        var clean = failed.Error with { Message = redactor.Redact(failed.Error.Message) };
                        relayed = new StreamFailed(clean);
                        failure ??= clean;
                    }
                    writer.Write(relayed, output);
                }
                var wrote = events.Count > 0;
                var final = events.Exists(e => e is MessageStopped);
                context.StreamedEvents += events.Count;
                events.Clear();
                context.Usage = parser.Usage;
                if (wrote && await StreamResponse.FlushAsync(http, context, call) is { } flushError)
                {
                    return flushError;
                }
                context.ClientHasEnd |= final;
                if (failure is not null)
                {
                    break;
                }
            }
        }
        finally
        {
            await input.CompleteAsync();
        }
        return failure;
    }
}
