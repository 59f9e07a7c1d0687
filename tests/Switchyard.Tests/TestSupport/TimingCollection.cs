namespace Switchyard.Tests.TestSupport;

/// <summary>
/// Tests that hold the gateway to a wall-clock promise (a change reaching another instance within a second, an
/// exact rpm across instances) run alone, after the parallel tests: on a 2-core runner the browser tests share the
/// CPU and stretch any latency they measure, which would test the machine rather than the gateway.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "Timing";
}
