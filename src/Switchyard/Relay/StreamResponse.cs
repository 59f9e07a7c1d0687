using Microsoft.AspNetCore.Http;
using Switchyard.Contracts;
using Switchyard.Protocols;

namespace Switchyard.Relay;

/// <summary>What every relayed stream does the same way: headers, flushing, and failing after the start.</summary>
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

    /// <returns>False when the client is gone.</returns>
    public static async Task<bool> FlushAsync(HttpContext http, RelayContext context)
    {
        context.MarkFirstByte();
        var flushed = await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
        return !(flushed.IsCanceled || flushed.IsCompleted);
    }

    /// <summary>
    /// The stream failed after the response started: the status can no longer change, so the client gets an error
    /// event in its own protocol and the stream ends without its normal ending.
    /// </summary>
    public static async Task<GatewayError> FailAsync(HttpContext http, RelayContext context, ClientProtocol protocol, GatewayError error, IStreamTap tap)
    {
        context.Usage = tap.Usage;
        tap.WriteError(protocol, http.Response.BodyWriter, error);
        await FlushAsync(http, context);
        return error;
    }
}
