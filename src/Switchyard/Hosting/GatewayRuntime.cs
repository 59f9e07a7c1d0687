using Switchyard.Billing;
using Switchyard.Configuration;
using Switchyard.Routing;

namespace Switchyard.Hosting;

/// <summary>The immutable run-time view built once from the config: what every request reads, without locks.</summary>
public sealed class GatewayRuntime(GatewayConfig config, TimeProvider time, Random? random = null)
{
    public GatewayConfig Config { get; } = config;
    public ModelCatalog Catalog { get; } = new(config, time);
    public PriceBook Prices { get; } = new(config.Models);
    public ChannelSelector Selector { get; } = new(random ?? Random.Shared);
}
