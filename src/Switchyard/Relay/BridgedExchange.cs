using Microsoft.AspNetCore.Http;
using Switchyard.Contracts;
using Switchyard.Protocols;

namespace Switchyard.Relay;

/// <summary>Relays a <see cref="BridgedCall"/>: the upstream's answer is rewritten into the client's protocol in one piece.</summary>
internal static class BridgedExchange
{
    public static async Task<GatewayError?> RelayAsync(HttpContext http, HttpResponseMessage upstream, UpstreamCall call, BridgedCall bridged, RelayContext context)
    {
        var bytes = await context.TimeUpstreamAsync(upstream.Content.ReadAsByteArrayAsync(call.Deadline));
        if (bridged.ReadAnswer(bytes) is not { } answer)
        {
            return new GatewayError(GatewayErrorKind.UpstreamError, 502, "The upstream's answer could not be read.");
        }
        context.Usage = answer.Usage;
        var response = http.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json; charset=UTF-8";
        response.ContentLength = answer.Body.Length;
        RelayHeaders.WriteOverhead(response, context);
        context.MarkFirstByte();
        await response.Body.WriteAsync(answer.Body, http.RequestAborted);
        return null;
    }
}
