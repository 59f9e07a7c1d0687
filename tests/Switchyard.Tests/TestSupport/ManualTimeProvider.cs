namespace Switchyard.Tests.TestSupport;

/// <summary>A clock the test moves by hand (the testing package is not on this registry).</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
