using Microsoft.AspNetCore.Http;
using Switchyard.Contracts;
using Switchyard.Protocols;

namespace Switchyard.Relay;

/// <summary>Relays a <see cref="BridgedCall"/>: the upstream's answer is rewritten into the client's protocol in one piece.</summary>
internal static class BridgedExchange
{
    public static async Task<GatewayError?> RelayAsync(HttpContext http, HttpResponseMessage upstream, UpstreamCall call, BridgedCall bridged, RelayContext context, long maxBodyBytes)
    {
        var (body, bodyError) = await call.ReadBodyAsync(upstream, maxBodyBytes, context);
        if (body is null)
        {
            return bodyError;
        }
        BridgedAnswer? answer;
        using (body)
        {
            answer = bridged.ReadAnswer(body.Memory.ToArray());
        }
        if (answer is null)
        {
            return StreamErrors.Malformed;
        }
        context.Usage = answer.Usage;
        var response = http.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json; charset=UTF-8";
        response.ContentLength = answer.Body.Length;
        RelayHeaders.WriteOverhead(response, context);
        context.MarkFirstByte();
        return await StreamResponse.WriteAsync(http, call, answer.Body);
    }
}
