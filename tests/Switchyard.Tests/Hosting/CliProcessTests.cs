using System.Diagnostics;
using System.Text.RegularExpressions;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Hosting;

/// <summary>The commands a release binary and its container image rely on, run as a process like users run them.</summary>
public sealed partial class CliProcessTests
{
    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Switchyard.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }

    [GeneratedRegex(@"^switchyard \d+\.\d+\.\d+\S* \(commit [0-9a-f]{40}, \.NET 10\.")]
    private static partial Regex VersionLine();

    [Fact]
    public async Task Version_PrintsTheVersionAndTheCommitItWasBuiltFrom()
    {
        var (exitCode, output) = await RunAsync("--version");

        Assert.Equal(0, exitCode);
        Assert.Matches(VersionLine(), output.Trim());
    }

    [Fact]
    public async Task HealthCheck_Is0AgainstARunningGatewayAnd1WithoutOne()
    {
        await using var harness = await GatewayHarness.StartAsync();

        var (healthy, output) = await RunAsync("healthcheck", "--listen", harness.BaseAddress.ToString());
        var (unhealthy, _) = await RunAsync("healthcheck", "--listen", "http://127.0.0.1:1");

        Assert.Equal(0, healthy);
        Assert.Contains("/healthz: 200", output);
        Assert.Equal(1, unhealthy);
    }
}
