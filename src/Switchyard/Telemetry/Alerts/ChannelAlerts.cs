using System.Globalization;
using Switchyard.Configuration;
using Switchyard.Resilience;
using Switchyard.Routing;

namespace Switchyard.Telemetry.Alerts;

/// <summary>
/// Turns changes in channel-key health into alerts: a circuit that opened or a health probe that started failing
/// (<c>channel_down</c> about the key), every key of a channel down at once (<c>channel_down</c> about the channel), a
/// key disabled after the upstream refused its credentials (<c>key_disabled</c>). It compares what it saw last time
/// with the keys' current state, so it costs the request path nothing; the key's secret never appears.
/// </summary>
public sealed class ChannelAlerts(AlertDispatcher dispatcher, TimeProvider time)
{
    private sealed record Seen(long Openings, bool Disabled, HealthProbeResult? Probe);

    private Dictionary<KeyHealth, Seen> _keys = [];
    private readonly HashSet<string> _channelsDown = new(StringComparer.Ordinal);

    /// <summary>One look at every key. Keys are tracked by identity: a reload that rebuilds a key starts it afresh.</summary>
    public void Check(IReadOnlyList<Channel> channels)
    {
        var next = new Dictionary<KeyHealth, Seen>(_keys.Count);
        foreach (var channel in channels)
        {
            var down = 0;
            foreach (var key in channel.Keys)
            {
                var health = key.Health;
                var before = _keys.GetValueOrDefault(health) ?? new Seen(0, false, null);
                var now = new Seen(health.Openings, health.DisabledReason is not null, health.LastProbe);
                next[health] = now;
                Compare(channel, health, before, now);
                var state = health.State;
                if (now.Disabled || state is CircuitState.Open or CircuitState.HalfOpen)
                {
                    down++;
                }
            }
            if (down == channel.Keys.Count && down > 0)
            {
                if (_channelsDown.Add(channel.Name))
                {
                    Publish(AlertEvents.ChannelDown, channel.Name, "critical", $"Every key of channel {channel.Name} is down: requests go to other channels or fail.",
                        [new("channel", channel.Name), new("keys", channel.Keys.Count.ToString(CultureInfo.InvariantCulture))]);
                }
            }
            else
            {
                _channelsDown.Remove(channel.Name);
            }
        }
        _keys = next;
    }

    private void Compare(Channel channel, KeyHealth health, Seen before, Seen now)
    {
        var index = health.KeyIndex.ToString(CultureInfo.InvariantCulture);
        if (now.Openings > before.Openings)
        {
            Publish(AlertEvents.ChannelDown, health.Id, "warning", $"The circuit of channel {channel.Name} key #{index} opened after repeated upstream failures.",
                [new("channel", channel.Name), new("key", index), new("reason", "circuit_open")]);
        }
        if (now.Disabled && !before.Disabled)
        {
            Publish(AlertEvents.KeyDisabled, health.Id, "critical", $"Channel {channel.Name} key #{index} is disabled: {health.DisabledReason}.",
                [new("channel", channel.Name), new("key", index), new("reason", health.DisabledReason ?? "")]);
        }
        // A probe refused with 401/403 disables the key: that is key_disabled, not channel_down.
        if (now.Probe is { Ok: false } probe && !ReferenceEquals(probe, before.Probe) && before.Probe is not { Ok: false }
            && probe.Status is not (401 or 403 or 429))
        {
            Publish(AlertEvents.ChannelDown, health.Id, "warning", $"The health check of channel {channel.Name} key #{index} fails: {probe.Error ?? "failed"}.",
                [new("channel", channel.Name), new("key", index), new("reason", "health_check"), new("probe", probe.Error ?? "failed")]);
        }
    }

    private void Publish(string @event, string subject, string severity, string message, KeyValuePair<string, string>[] details) =>
        dispatcher.Publish(new Alert(@event, subject, severity, message, time.GetUtcNow(), details));
}
