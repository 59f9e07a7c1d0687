using System.Diagnostics;
using System.Text;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.AdminUi;

/// <summary>
/// Runs scenarios of tools/BrowserTests/ui.test.mjs (playwright-core driving Debian's headless Chromium)
/// against a running gateway. scripts/browser-deps installs both; scripts/test runs it first.
/// </summary>
internal static class BrowserRunner
{
    private static readonly SemaphoreSlim OneBrowserAtATime = new(1, 1);

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Switchyard.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Switchyard.slnx not found above " + AppContext.BaseDirectory);
    }

    public static async Task RunAsync(GatewayHarness gateway, IReadOnlyList<string> scenarios, IReadOnlyDictionary<string, string>? environment = null)
    {
        var tools = Path.Combine(RepositoryRoot(), "tools", "BrowserTests");
        var chromium = Environment.GetEnvironmentVariable("SWITCHYARD_CHROMIUM") ?? "/usr/bin/chromium";
        Assert.True(File.Exists(chromium) && Directory.Exists(Path.Combine(tools, "node_modules", "playwright-core")),
            $"The browser tests need Chromium ({chromium}) and playwright-core in {tools}: run scripts/browser-deps.");

        var start = new ProcessStartInfo("node", ["ui.test.mjs", .. scenarios])
        {
            WorkingDirectory = tools,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["SWITCHYARD_URL"] = gateway.BaseAddress.ToString();
        start.Environment["SWITCHYARD_MASTER_KEY"] = GatewayHarness.MasterKey;
        start.Environment["SWITCHYARD_CLIENT_KEY"] = GatewayHarness.ClientKey;
        start.Environment["CHROMIUM"] = chromium;
        // Every page's screenshot is kept with the test output; the docs' screenshots are refreshed in docs/ui/.
        start.Environment["SWITCHYARD_ARTIFACTS"] = Path.Combine(AppContext.BaseDirectory, "browser-artifacts");
        start.Environment["SWITCHYARD_DOCS_SHOTS"] = Path.Combine(RepositoryRoot(), "docs", "ui");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        // Two browsers at once on a 2-core machine only make both slower and the timeouts flaky.
        await OneBrowserAtATime.WaitAsync();
        try
        {
            using var process = Process.Start(start)!;
            var output = new StringBuilder();
            var stdout = PumpAsync(process.StandardOutput, output);
            var stderr = PumpAsync(process.StandardError, output);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(300));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            await Task.WhenAll(stdout, stderr);
            Assert.True(process.ExitCode == 0, $"Browser scenarios failed (exit {process.ExitCode}):\n{output}");
            foreach (var scenario in scenarios)
            {
                Assert.Contains($"passed: {scenario}\n", output.ToString().ReplaceLineEndings("\n"));
            }
        }
        finally
        {
            OneBrowserAtATime.Release();
        }
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
