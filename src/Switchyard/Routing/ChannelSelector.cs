namespace Switchyard.Routing;

/// <summary>Picks a channel: the highest priority tier first, weighted random within it.</summary>
public sealed class ChannelSelector(Random random)
{
    public ChannelRoute? Pick(List<ChannelRoute> candidates)
    {
        if (candidates.Count == 0)
        {
            return null;
        }
        var top = int.MinValue;
        foreach (var route in candidates)
        {
            top = Math.Max(top, route.Channel.Config.Priority);
        }
        long total = 0;
        foreach (var route in candidates)
        {
            if (route.Channel.Config.Priority == top)
            {
                total += route.Channel.Config.Weight;
            }
        }
        if (total == 0)
        {
            return candidates.First(r => r.Channel.Config.Priority == top);
        }
        var ticket = random.NextInt64(total);
        foreach (var route in candidates)
        {
            if (route.Channel.Config.Priority != top)
            {
                continue;
            }
            ticket -= route.Channel.Config.Weight;
            if (ticket < 0)
            {
                return route;
            }
        }
        return null;
    }
}
