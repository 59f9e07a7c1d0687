using System.Collections.Frozen;
using Switchyard.Configuration;
using Switchyard.Pricing;
using Switchyard.Routing;

namespace Switchyard.Routing;

/// <summary>One immutable view of the config: what a request reads, without locks.</summary>
public sealed class RuntimeSnapshot(GatewayConfig config, ModelCatalog catalog)
{
    public GatewayConfig Config { get; } = config;
    public ModelCatalog Catalog { get; } = catalog;
    public PriceBook Prices { get; } = new(config);

    /// <summary>The routing rules and splits, compiled once per snapshot.</summary>
    public RouteRules Routes { get; } = config.Routes.Count == 0 ? RouteRules.None : new RouteRules(config.Routes);

    /// <summary>Groups that opted in to keeping (redacted) prompt and completion bodies.</summary>
    public System.Collections.Frozen.FrozenSet<string> BodyGroups { get; } =
        config.Groups.Where(g => g.StoreBodies).Select(g => g.Name).ToFrozenSet(StringComparer.Ordinal);
}

/// <summary>
/// Holds the current <see cref="RuntimeSnapshot"/> and swaps it atomically on reload. Requests in flight keep the
/// snapshot (and channel objects) they started with; channel keys that survive a reload keep their health.
/// </summary>
public sealed class GatewayRuntime(GatewayConfig config, TimeProvider time, Random? random = null)
{
    private volatile RuntimeSnapshot _current = new(config, new ModelCatalog(config, time));

    public RuntimeSnapshot Current => _current;
    public GatewayConfig Config => _current.Config;
    public ModelCatalog Catalog => _current.Catalog;
    public PriceBook Prices => _current.Prices;
    public ChannelSelector Selector { get; } = new(random ?? Random.Shared);

    /// <summary>What the config file alone declares; <see cref="Config"/> adds what the admin API stored in the database.</summary>
    public GatewayConfig FileConfig { get; set; } = config;

    /// <summary>Swaps in a new effective config (file and database merged).</summary>
    public void Apply(GatewayConfig next) => _current = new RuntimeSnapshot(next, new ModelCatalog(next, time, _current.Catalog));
}
