using Switchyard.Hosting;

namespace Switchyard.Relay;

/// <summary>Requested model → canonical model → allowed? → a channel to send it to.</summary>
public static class RouteResolution
{
    public static RelayError? Resolve(GatewayRuntime runtime, RelayContext context, string requested)
    {
        var key = context.Key!;
        context.RequestedModel = requested;
        var catalog = runtime.Catalog;
        var canonical = catalog.Canonical(requested);
        if (canonical is null)
        {
            return new RelayError(RelayErrorKind.ModelNotFound, 404, $"The model '{requested}' does not exist or is not served by this gateway.") { Param = "model" };
        }
        context.CanonicalModel = canonical;
        if (!catalog.IsAllowed(requested, canonical, key.Group, key.Models))
        {
            return new RelayError(RelayErrorKind.ModelNotAllowed, 403, $"This key is not allowed to use the model '{requested}'.") { Param = "model" };
        }
        var route = runtime.Selector.Pick(catalog.Candidates(requested, canonical, key.Group));
        if (route is null)
        {
            return new RelayError(RelayErrorKind.NoChannel, 503, $"No channel open to group '{key.Group}' serves the model '{requested}'.") { Param = "model" };
        }
        context.Route = route;
        return null;
    }
}
