using Switchyard.Configuration;
using Switchyard.Resilience;
using Switchyard.Routing;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Routing;

public sealed class ChannelSelectorTests
{
    private static readonly ManualTimeProvider Time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    private static ChannelRoute Route(string name, int priority, int weight, int keys = 1) => new(
        new Channel(new ChannelConfig
        {
            Name = name,
            Type = "openai",
            BaseUrl = "http://127.0.0.1:1/v1",
            Models = ["m"],
            Keys = Enumerable.Range(0, keys).Select(i => $"{name}-key-{i}").ToList(),
            Priority = priority,
            Weight = weight,
        }, new RouterConfig { AllowedFails = 1, Cooldown = TimeSpan.FromSeconds(30) }, Time),
        "m");

    [Fact]
    public void Pick_WithinATier_FollowsWeights()
    {
        var selector = new ChannelSelector(new Random(42));
        List<ChannelRoute> routes = [Route("a", 0, 1), Route("b", 0, 3)];

        var picks = Enumerable.Range(0, 8000).Select(_ => selector.Pick(routes)!.Channel.Name).ToList();

        var shareOfB = picks.Count(p => p == "b") / 8000.0;
        Assert.InRange(shareOfB, 0.73, 0.77);
    }

    [Fact]
    public void Pick_HigherPriorityTier_AlwaysFirst()
    {
        var selector = new ChannelSelector(new Random(1));
        List<ChannelRoute> routes = [Route("low", 0, 100), Route("high", 10, 1)];

        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal("high", selector.Pick(routes)!.Channel.Name));
    }

    [Fact]
    public void Pick_TierWithoutUsableKeys_FallsToNextTier()
    {
        var selector = new ChannelSelector(new Random(1));
        var high = Route("high", 10, 1);
        List<ChannelRoute> routes = [Route("low", 0, 1), high];

        high.Channel.Keys[0].Health.OnFailure();

        Assert.Equal("low", selector.Pick(routes)!.Channel.Name);
    }

    [Fact]
    public void AcquireKey_SkipsTriedAndDisabledKeys()
    {
        var route = Route("c", 0, 1, keys: 3);
        route.Channel.Keys[1].Health.Disable("401");
        var tried = new HashSet<KeyHealth> { route.Channel.Keys[0].Health };

        var keys = Enumerable.Range(0, 10).Select(_ => route.Channel.AcquireKey(tried)!.Secret).Distinct().ToList();

        Assert.Equal(["c-key-2"], keys);
    }

    [Fact]
    public void Pick_EveryKeyTried_ReturnsNull()
    {
        var route = Route("c", 0, 1, keys: 2);
        var tried = route.Channel.Keys.Select(k => k.Health).ToHashSet();

        Assert.Null(new ChannelSelector(new Random(1)).Pick([route], tried));
    }
}
