using Switchyard.Resilience;

namespace Switchyard.Routing;

/// <summary>
/// Picks a channel: the highest priority tier that still has a usable key, weighted random within it.
/// The random source is injected so tests are deterministic.
/// </summary>
public sealed class ChannelSelector(Random random)
{
    private readonly Lock _randomGate = new();

    /// <param name="tried">Keys already tried for this request; channels whose keys are all tried or unusable are skipped.</param>
    public ChannelRoute? Pick(IReadOnlyList<ChannelRoute> candidates, IReadOnlySet<KeyHealth>? tried = null)
    {
        var top = int.MinValue;
        long total = 0;
        foreach (var route in candidates)
        {
            var config = route.Channel.Config;
            if (config.Priority < top || !route.Channel.HasAvailableKey(tried))
            {
                continue;
            }
            if (config.Priority > top)
            {
                top = config.Priority;
                total = 0;
            }
            total += config.Weight;
        }
        if (top == int.MinValue)
        {
            return null;
        }
        var ticket = total == 0 ? 0 : Next(total);
        ChannelRoute? fallback = null;
        foreach (var route in candidates)
        {
            if (route.Channel.Config.Priority != top || !route.Channel.HasAvailableKey(tried))
            {
                continue;
            }
            fallback ??= route;
            ticket -= route.Channel.Config.Weight;
            if (ticket < 0)
            {
                return route;
            }
        }
        // Every channel of the tier has weight 0: take the first rather than none.
        return fallback;
    }

    private long Next(long maxExclusive)
    {
        if (ReferenceEquals(random, Random.Shared))
        {
            return random.NextInt64(maxExclusive);
        }
        // A seeded Random is not thread-safe; tests use one, production uses Random.Shared.
        lock (_randomGate)
        {
            return random.NextInt64(maxExclusive);
        }
    }
}
