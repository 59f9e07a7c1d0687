using Switchyard.Resilience;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Resilience;

public sealed class KeyHealthTests
{
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    private KeyHealth NewKey() => new("mock", 0, allowedFails: 3, cooldown: TimeSpan.FromSeconds(30), _time);

    [Fact]
    public void OnFailure_BelowThreshold_StaysClosed()
    {
        var key = NewKey();

        key.OnFailure();
        key.OnFailure();

        Assert.Equal(CircuitState.Closed, key.State);
        Assert.True(key.TryAcquire());
    }

    [Fact]
    public void OnFailure_ThresholdWithinAMinute_OpensThenHalfOpensAfterCooldown()
    {
        var key = NewKey();

        key.OnFailure();
        key.OnFailure();
        key.OnFailure();

        Assert.Equal(CircuitState.Open, key.State);
        Assert.False(key.TryAcquire());
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(CircuitState.HalfOpen, key.State);
        Assert.True(key.TryAcquire());
        Assert.False(key.TryAcquire());
    }

    [Fact]
    public void HalfOpenTrial_Success_Closes()
    {
        var key = NewKey();
        for (var i = 0; i < 3; i++)
        {
            key.OnFailure();
        }
        _time.Advance(TimeSpan.FromSeconds(31));

        Assert.True(key.TryAcquire());
        key.OnSuccess();

        Assert.Equal(CircuitState.Closed, key.State);
        Assert.True(key.TryAcquire());
        Assert.True(key.TryAcquire());
    }

    [Fact]
    public void HalfOpenTrial_Failure_ReopensForAnotherCooldown()
    {
        var key = NewKey();
        for (var i = 0; i < 3; i++)
        {
            key.OnFailure();
        }
        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.True(key.TryAcquire());

        key.OnFailure();

        Assert.Equal(CircuitState.Open, key.State);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(key.TryAcquire());
    }

    [Fact]
    public void OnFailure_SpreadOverMoreThanAMinute_DoesNotOpen()
    {
        var key = NewKey();

        key.OnFailure();
        _time.Advance(TimeSpan.FromSeconds(40));
        key.OnFailure();
        _time.Advance(TimeSpan.FromSeconds(40));
        key.OnFailure();

        Assert.Equal(CircuitState.Closed, key.State);
    }

    [Fact]
    public void OnRateLimited_CoolsForRetryAfter()
    {
        var key = NewKey();

        key.OnRateLimited(TimeSpan.FromSeconds(5));

        Assert.False(key.TryAcquire());
        Assert.Equal(_time.GetUtcNow().AddSeconds(5), key.CoolingUntil);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(key.TryAcquire());
    }

    [Fact]
    public void OnRateLimited_WithoutRetryAfter_UsesCooldown()
    {
        var key = NewKey();

        key.OnRateLimited(null);
        _time.Advance(TimeSpan.FromSeconds(29));

        Assert.False(key.IsAvailable());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(key.IsAvailable());
    }

    [Fact]
    public void Disable_StaysDisabled()
    {
        var key = NewKey();

        key.Disable("upstream answered 401");
        _time.Advance(TimeSpan.FromDays(1));

        Assert.False(key.TryAcquire());
        Assert.Equal("upstream answered 401", key.DisabledReason);
    }

    [Fact]
    public void OnFailure_HighErrorRateOverMinimumVolume_Opens()
    {
        var key = new KeyHealth("mock", 0, allowedFails: 100, cooldown: TimeSpan.FromSeconds(30), _time, failureRate: 0.5, minRequests: 10);
        for (var i = 0; i < 5; i++)
        {
            key.Stats.Record(ok: true, 10);
        }
        for (var i = 0; i < 4; i++)
        {
            key.Stats.Record(ok: false, 10);
            key.OnFailure();
        }
        Assert.Equal(CircuitState.Closed, key.State);

        key.Stats.Record(ok: false, 10);
        key.OnFailure();

        Assert.Equal(CircuitState.Open, key.State);
    }

    [Fact]
    public void OnFailure_OneCallerWhileAnotherSucceeded_StaysClosed()
    {
        var key = NewKey();
        key.OnSuccess("team");

        for (var i = 0; i < 10; i++)
        {
            key.OnFailure("attacker");
        }

        Assert.Equal(CircuitState.Closed, key.State);
        Assert.True(key.TryAcquire());
    }

    [Fact]
    public void OnFailure_OneCallerAfterTheOthersSuccessLeftTheWindow_Opens()
    {
        var key = NewKey();
        key.OnSuccess("team");
        _time.Advance(TimeSpan.FromSeconds(61));

        key.OnFailure("attacker");
        key.OnFailure("attacker");
        key.OnFailure("attacker");

        Assert.Equal(CircuitState.Open, key.State);
    }

    [Fact]
    public void OnFailure_OnlyCallerThatAlsoSucceeded_Opens()
    {
        var key = NewKey();
        key.OnSuccess("team");

        key.OnFailure("team");
        key.OnFailure("team");
        key.OnFailure("team");

        Assert.Equal(CircuitState.Open, key.State);
    }

    [Fact]
    public void OnFailure_TwoCallersFailing_OpensDespiteAnEarlierSuccess()
    {
        var key = NewKey();
        key.OnSuccess("team");
        key.OnSuccess("narrow");

        key.OnFailure("attacker");
        key.OnFailure("team");
        key.OnFailure("attacker");

        Assert.Equal(CircuitState.Open, key.State);
    }

    [Fact]
    public void OnFailure_ProbeFailuresBesideOneCaller_Open()
    {
        var key = NewKey();
        key.OnSuccess("team");

        key.OnFailure("attacker");
        key.OnFailure();
        key.OnFailure("attacker");

        Assert.Equal(CircuitState.Open, key.State);
    }

    [Fact]
    public void OnFailure_OtherCallersSuccessRemembered_AfterTheFailingCallerSucceedsToo()
    {
        var key = NewKey();
        key.OnSuccess("team");
        key.OnSuccess("attacker");
        _time.Advance(TimeSpan.FromSeconds(2));
        key.OnSuccess("attacker");

        key.OnFailure("attacker");
        key.OnFailure("attacker");
        key.OnFailure("attacker");

        Assert.Equal(CircuitState.Closed, key.State);
    }
}
