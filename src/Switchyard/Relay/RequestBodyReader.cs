using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Switchyard.Contracts;

namespace Switchyard.Relay;

/// <summary>Reads a request body into one buffer, refusing it as soon as it passes the configured size.</summary>
public static class RequestBodyReader
{
    public static async Task<(ReadOnlyMemory<byte> Body, GatewayError? Error)> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return (default, TooLarge(maxBytes));
        }
        var reader = request.BodyReader;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(cancellationToken);
            }
            catch (BadHttpRequestException e)
            {
                // Kestrel gave up on the body: too slow (below its minimum data rate, 408) or badly framed (400).
                // The client's fault, answered in its own error shape rather than as a gateway failure.
                return (default, e.StatusCode == StatusCodes.Status408RequestTimeout
                    ? new GatewayError(GatewayErrorKind.InvalidRequest, 408, "The request body arrived too slowly; the gateway stopped waiting for it.") { Code = "request_timeout" }
                    : new GatewayError(GatewayErrorKind.InvalidRequest, 400, "The request body could not be read: it is not framed as HTTP requires."));
            }
            if (result.Buffer.Length > maxBytes)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                return (default, TooLarge(maxBytes));
            }
            if (result.IsCompleted || result.IsCanceled)
            {
                var body = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return (body, null);
            }
            // Leave everything unconsumed so the pipe accumulates the whole body.
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static GatewayError TooLarge(long maxBytes) =>
        new(GatewayErrorKind.BodyTooLarge, 413, $"The request body is larger than the gateway's limit of {maxBytes} bytes (server.max_body_bytes).");
}
