using Microsoft.AspNetCore.Http;
using Switchyard.Contracts;
using Switchyard.Routing;

namespace Switchyard.Relay;

/// <summary>Requested model → canonical model → may this key use it? → the channels that serve it.</summary>
internal static class RouteResolution
{
    /// <summary>Checks the requested model and records it; the channels are chosen attempt by attempt.</summary>
    public static GatewayError? Check(GatewayRuntime runtime, RelayContext context, string requested)
    {
        var key = context.Key!;
        context.RequestedModel = requested;
        var catalog = runtime.Catalog;
        var canonical = catalog.Canonical(requested);
        if (canonical is null)
        {
            return new GatewayError(GatewayErrorKind.ModelNotFound, 404, $"The model '{requested}' does not exist or is not served by this gateway.") { Param = "model" };
        }
        context.CanonicalModel = canonical;
        if (!catalog.IsAllowed(requested, canonical, key.Group, key.Models))
        {
            return new GatewayError(GatewayErrorKind.ModelNotAllowed, 403, $"This key is not allowed to use the model '{requested}'.") { Param = "model" };
        }
        return null;
    }

    /// <summary>
    /// The models to try in order: the requested one, then its configured fallbacks that exist and that this key
    /// may use. Each entry is (name to route by, canonical name).
    /// </summary>
    public static List<(string Requested, string Canonical)> Chain(GatewayRuntime runtime, RelayContext context)
    {
        var key = context.Key!;
        var catalog = runtime.Catalog;
        var chain = new List<(string, string)> { (context.RoutedModel ?? context.RequestedModel!, context.CanonicalModel!) };
        foreach (var fallback in catalog.Settings(context.CanonicalModel!)?.Fallbacks ?? [])
        {
            if (catalog.Canonical(fallback) is { } canonical && catalog.IsAllowed(fallback, canonical, key.Group, key.Models))
            {
                chain.Add((fallback, canonical));
            }
        }
        return chain;
    }

    public static List<ChannelRoute> Candidates(GatewayRuntime runtime, RelayContext context, string requested, string canonical)
    {
        var candidates = runtime.Catalog.Candidates(requested, canonical, context.Key!.Group);
        if (context.RouteDecision?.Channels is { } only)
        {
            candidates.RemoveAll(c => !only.Contains(c.Channel.Name));
        }
        return candidates;
    }

    /// <summary>
    /// The first routing rule that matches decides the target model or channels; the rule (and arm) goes to a response
    /// header and the ledger. A target model the key may not use is refused as if the caller had asked for it.
    /// </summary>
    public static GatewayError? ApplyRules(GatewayRuntime runtime, RelayContext context, HttpResponse response, IRouteRequest request)
    {
        var rules = runtime.Current.Routes;
        if (rules.IsEmpty || rules.Match(context.RequestedModel!, context.CanonicalModel!, request) is not { } decision)
        {
            return null;
        }
        context.RouteDecision = decision;
        response.Headers[RelayHeaders.Route] = decision.Rule;
        if (decision.Arm is { } arm)
        {
            response.Headers[RelayHeaders.Arm] = arm;
        }
        if (decision.Model is { } target)
        {
            var catalog = runtime.Catalog;
            if (catalog.Canonical(target) is not { } canonical || !catalog.IsAllowed(target, canonical, context.Key!.Group, context.Key.Models))
            {
                return new GatewayError(GatewayErrorKind.ModelNotAllowed, 403,
                    $"Routing rule '{decision.Rule}' sends this request to the model '{target}', which this key may not use.")
                { Param = "model" };
            }
            context.RoutedModel = target;
            context.CanonicalModel = canonical;
        }
        return null;
    }
}
