using Microsoft.AspNetCore.Http;
using Switchyard.Contracts;
using Switchyard.Protocols;

namespace Switchyard.Relay;

/// <summary>What every relayed answer does the same way: headers, bounded writes to the client, and failing after the start.</summary>
internal static class StreamResponse
{

    public static async Task StartAsync(HttpContext http, RelayContext context, string contentType)
    {
        var response = http.Response;
        response.StatusCode = 200;
        response.ContentType = contentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["x-accel-buffering"] = "no";
        RelayHeaders.WriteOverhead(response, context);
        await response.StartAsync(http.RequestAborted);
    }

    /// <returns>Null while the client reads; <see cref="StreamErrors.ClientLeft"/> when it is gone; <see cref="StreamErrors.ClientStalled"/> when it stopped reading.</returns>
    public static async Task<GatewayError?> FlushAsync(HttpContext http, RelayContext context, UpstreamCall call)
    {
        context.MarkFirstByte();
        try
        {
            var flushed = await http.Response.BodyWriter.FlushAsync(call.NextClientWrite());
            if (flushed.IsCanceled && call.WriteTimedOut)
            {
                return Stalled(http, call);
            }
            return flushed.IsCanceled || flushed.IsCompleted ? StreamErrors.ClientLeft : null;
        }
        catch (OperationCanceledException) when (call.WriteTimedOut)
        {
            return Stalled(http, call);
        }
    }

    /// <summary>Writes a whole (non-stream) answer under the same bound as a stream's writes.</summary>
    public static async Task<GatewayError?> WriteAsync(HttpContext http, UpstreamCall call, ReadOnlyMemory<byte> body)
    {
        try
        {
            await http.Response.Body.WriteAsync(body, call.NextClientWrite());
            return null;
        }
        catch (OperationCanceledException) when (call.WriteTimedOut)
        {
            return Stalled(http, call);
        }
    }

    /// <summary>Nothing more can reach a client that does not read: its connection and the upstream call are dropped.</summary>
    private static GatewayError Stalled(HttpContext http, UpstreamCall call)
    {
        call.Cancel();
        http.Abort();
        return StreamErrors.ClientStalled;
    }

    /// <summary>
    /// The stream failed after the response started: the status can no longer change, so the client gets an error
    /// event in its own protocol and the stream ends without its normal ending.
    /// </summary>
    public static async Task<GatewayError> FailAsync(HttpContext http, RelayContext context, UpstreamCall call, ClientProtocol protocol, GatewayError error, IStreamTap tap)
    {
        context.Usage = tap.Usage;
        tap.WriteError(protocol, http.Response.BodyWriter, error);
        return await FlushAsync(http, context, call) is { Kind: GatewayErrorKind.ClientStalled } stalled ? stalled : error;
    }
}
