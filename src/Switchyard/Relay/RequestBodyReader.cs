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
            var result = await reader.ReadAsync(cancellationToken);
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
