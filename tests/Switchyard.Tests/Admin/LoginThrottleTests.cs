using System.Net;
using Switchyard.Admin;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Admin;

/// <summary>The failed-login counts: per (name, address), per address, atomic reservations, windows on a manual clock.</summary>
public sealed class LoginThrottleTests
{
    private static readonly IPAddress Attacker = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Owner = IPAddress.Parse("198.51.100.1");
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    private static void Fail(LoginThrottle throttle, string name, IPAddress address, int times, bool unknown = false)
    {
        for (var i = 0; i < times; i++)
        {
            var attempt = throttle.Begin(name, address);
            Assert.True(attempt.Allowed);
            throttle.Failed(attempt, unknown);
        }
    }

    [Fact]
    public void Begin_FiveFailuresOfOneName_LockThatNameFromThatAddressOnly_UntilTheWindowPasses()
    {
        var throttle = new LoginThrottle(_time);
        Fail(throttle, "boss", Attacker, LoginThrottle.MaxFailuresPerName);

        var locked = throttle.Begin("boss", Attacker);
        Assert.False(locked.Allowed);
        Assert.True(locked.FirstRefusal);
        Assert.Equal(LoginThrottle.Window, locked.RetryAfter);
        Assert.False(throttle.Begin("boss", Attacker).FirstRefusal);
        Assert.True(throttle.Begin("boss", Owner).Allowed);
        Assert.True(throttle.Begin("lead", Attacker).Allowed);

        _time.Advance(LoginThrottle.Window);
        Assert.True(throttle.Begin("boss", Attacker).Allowed);
    }

    [Fact]
    public void Begin_ManyNamesFromOneAddress_ThrottleTheAddress()
    {
        var throttle = new LoginThrottle(_time);
        for (var i = 0; i < LoginThrottle.MaxFailuresPerAddress; i++)
        {
            Fail(throttle, "name-" + i, Attacker, 1);
        }

        Assert.False(throttle.Begin("another", Attacker).Allowed);
        Assert.True(throttle.Begin("another", Owner).Allowed);
    }

    [Fact]
    public void Begin_ParallelTries_ReserveAtMostTheLimit()
    {
        var throttle = new LoginThrottle(_time);

        var allowed = 0;
        Parallel.For(0, 400, _ =>
        {
            if (throttle.Begin("boss", Attacker).Allowed)
            {
                Interlocked.Increment(ref allowed);
            }
        });

        Assert.Equal(LoginThrottle.MaxFailuresPerName, allowed);
    }

    [Fact]
    public void Succeeded_ClearsTheNameAndGivesBackTheReservation()
    {
        var throttle = new LoginThrottle(_time);
        Fail(throttle, "boss", Owner, LoginThrottle.MaxFailuresPerName - 1);

        throttle.Succeeded(throttle.Begin("boss", Owner));

        Fail(throttle, "boss", Owner, LoginThrottle.MaxFailuresPerName);
        Assert.False(throttle.Begin("boss", Owner).Allowed);
        throttle.Unlock("boss");
        Assert.True(throttle.Begin("boss", Owner).Allowed);
    }

    [Fact]
    public void Begin_Ipv6_CountsTheWhole64()
    {
        var throttle = new LoginThrottle(_time);
        for (var i = 0; i < LoginThrottle.MaxFailuresPerName; i++)
        {
            Fail(throttle, "boss", IPAddress.Parse($"2001:db8:1:2::{i + 1:x}"), 1);
        }

        Assert.False(throttle.Begin("boss", IPAddress.Parse("2001:db8:1:2:ffff::1")).Allowed);
        Assert.True(throttle.Begin("boss", IPAddress.Parse("2001:db8:1:3::1")).Allowed);
    }

    [Fact]
    public void Failed_UnknownNames_FirstAuditedThenCountedIntoOneSummaryAfterTheWindow()
    {
        var throttle = new LoginThrottle(_time);
        var audited = new List<bool>();
        for (var i = 0; i < 7; i++)
        {
            var attempt = throttle.Begin("nobody-" + i, Attacker);
            audited.Add(throttle.Failed(attempt, unknownName: true));
        }
        Assert.Equal([true, false, false, false, false, false, false], audited);
        Assert.Empty(throttle.TakeUnknownNameSummaries());

        _time.Advance(LoginThrottle.Window + TimeSpan.FromMinutes(1));
        var summary = Assert.Single(throttle.TakeUnknownNameSummaries());
        Assert.Equal(("203.0.113.7", 6), (summary.Address, summary.Tries));
        Assert.Empty(throttle.TakeUnknownNameSummaries());
        Assert.True(throttle.Failed(throttle.Begin("nobody-again", Attacker), unknownName: true));
    }
}
