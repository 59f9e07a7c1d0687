using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Telemetry;

/// <summary>The shipped alert rules load in Prometheus and fire (and stay quiet) as their unit tests expect.</summary>
public sealed class AlertRulesTests
{
    private static string Deploy(string file) => Path.Combine(PrometheusTools.RepositoryRoot(), "deploy", "prometheus", file);

    [Fact]
    public async Task AlertRules_PassPromtoolCheck()
    {
        var (exit, output) = await PrometheusTools.PromtoolAsync(null, "check", "rules", Deploy("alerts.yml"));
        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlertRules_PassTheirPromtoolUnitTests()
    {
        var (exit, output) = await PrometheusTools.PromtoolAsync(null, "test", "rules", Deploy("alerts_test.yml"));
        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }
}
