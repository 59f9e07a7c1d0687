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
        ClientProtocol protocol, IClientCodec codec, IProviderAdapter provider, ChatRequest request, RelayContext context)
    {
        if (!context.Stream)
        {
            var bytes = await context.TimeUpstreamAsync(upstream.Content.ReadAsByteArrayAsync(call.Deadline));
            var answer = provider.ReadResponse(bytes, out var readError);
            if (answer is null)
            {
                return readError ?? new GatewayError(GatewayErrorKind.UpstreamError, 502, "The upstream's answer could not be read.");
            }
            context.Usage = answer.Usage;
            var body = new ArrayBufferWriter<byte>(bytes.Length + 256);
            codec.WriteResponse(body, answer, request);
            var response = http.Response;
            response.StatusCode = 200;
            response.ContentType = "application/json";
            response.ContentLength = body.WrittenCount;
            RelayHeaders.WriteOverhead(response, context);
            context.MarkFirstByte();
            await context.BeforeAnswerAsync();
            await response.Body.WriteAsync(body.WrittenMemory, http.RequestAborted);
            return null;
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
                        parser.OnFrame(SseFrame.EventName(frame), SseFrame.Data(frame).Span, events);
                    }
                    input.AdvanceTo(buffer.Start, buffer.End);
                    if (read.IsCompleted)
                    {
                        parser.OnEnd(events);
                        ended = true;
                    }
                }
                foreach (var streamEvent in events)
                {
                    if (streamEvent is StreamFailed failed)
                    {
                        failure ??= failed.Error;
                    }
                    writer.Write(streamEvent, output);
                }
                var wrote = events.Count > 0;
                context.StreamedEvents += events.Count;
                events.Clear();
                context.Usage = parser.Usage;
                if (wrote && !await StreamResponse.FlushAsync(http, context))
                {
                    return StreamErrors.ClientLeft;
                }
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
