using Microsoft.AspNetCore.Http;
using Switchyard.Hosting;
using Switchyard.Resilience;
using Switchyard.Routing;

namespace Switchyard.Admin;

/// <summary><c>GET /admin/channels</c>: each channel and each of its keys, with state, recent errors and latency.</summary>
public sealed class ChannelsAdmin(GatewayRuntime runtime)
{
    public IResult List(HttpContext http) =>
        Results.Json(new ChannelList(runtime.Catalog.Channels.Select(View).ToList()), AdminJsonContext.Default.ChannelList);

    private static ChannelView View(Channel channel) => new(
        channel.Name,
        channel.Config.Type,
        channel.Config.BaseUrl,
        channel.Config.Models,
        channel.Config.ModelMap,
        channel.Config.Groups,
        channel.Config.Priority,
        channel.Config.Weight,
        channel.Keys.Select(KeyView).ToList());

    private static ChannelKeyView KeyView(ChannelKey key)
    {
        var health = key.Health;
        var (requests, errors) = health.Stats.LastMinute();
        var latency = health.Stats.Latency();
        var cooling = health.CoolingUntil;
        var state = health.DisabledReason is not null ? "disabled"
            : cooling is not null ? "cooling_down"
            : health.State switch
            {
                CircuitState.Open => "open",
                CircuitState.HalfOpen => "half_open",
                _ => "ok",
            };
        return new ChannelKeyView(
            health.Id,
            key.Secret is { Length: >= 8 } secret ? "****" + secret[^4..] : key.Secret is null ? null : "****",
            state,
            cooling,
            health.DisabledReason,
            requests,
            errors,
            requests == 0 ? 0 : Math.Round((double)errors / requests, 4),
            latency?.P50,
            latency?.P95,
            health.LastProbe);
    }
}
