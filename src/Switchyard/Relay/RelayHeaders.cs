using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Switchyard.Relay;

internal static class RelayHeaders
{
    /// <summary>
    /// Added to every upstream request: the markers of the gateways the request passed, this one last. A request that
    /// arrives carrying this gateway's own marker went round a channel that points back at the gateway (directly or
    /// through other gateways) and is refused with 508 at once, instead of looping until a limit stops it.
    /// </summary>
    public const string Hop = "x-switchyard-hop";

    /// <summary>On the answer: the routing rule that matched the request, and the split's arm.</summary>
    public const string Route = "x-switchyard-route";
    public const string Arm = "x-switchyard-arm";

    /// <summary>More gateways than this in one chain is a loop through instances that do not know each other's markers.</summary>
    public const int MaxHops = 8;

    private const int MaxHopChars = MaxHops * 33;

    public static void WriteOverhead(HttpResponse response, RelayContext context) =>
        response.Headers["x-switchyard-overhead-ms"] = context.OverheadMs.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>The hop value to send upstream, or null when the request has been here before (or passed too many gateways).</summary>
    public static string? NextHops(HttpRequest request, string instance)
    {
        var incoming = request.Headers[Hop];
        if (incoming.Count == 0)
        {
            return instance;
        }
        var chain = incoming.ToString();
        if (chain.Length > MaxHopChars)
        {
            return null;
        }
        var hops = 0;
        foreach (var range in chain.AsSpan().Split(','))
        {
            if (++hops >= MaxHops || chain.AsSpan()[range].Trim().SequenceEqual(instance))
            {
                return null;
            }
        }
        return chain + "," + instance;
    }
}
