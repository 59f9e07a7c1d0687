using System.Diagnostics;
using System.Text;
using Switchyard.Tests.AdminUi;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>
/// Google's official <c>@google/genai</c> SDK (tools/GenAiSdkTests/genai.test.mjs, installed by scripts/genai-deps)
/// against the gateway: generateContent, generateContentStream, function calling, countTokens and embedContent over
/// OpenAI, Anthropic and Gemini channels.
/// </summary>
public sealed class GenAiSdkTests : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(customize: GeminiChannel.Add);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task GenAiSdk_EveryMethod_WorksUnchangedAgainstTheGateway()
    {
        string[] scenarios =
        [
            "generate@gpt-4o", "generate@claude-sonnet-4-5", $"generate@{GeminiChannel.Flash}",
            "stream@gpt-4o", "stream@claude-sonnet-4-5", $"stream@{GeminiChannel.Flash}",
            "tools@gpt-4o", $"tools@{GeminiChannel.Flash}",
            "count@gpt-4o", $"count@{GeminiChannel.Flash}",
            "embed@text-embedding-3-small",
        ];
        var tools = Path.Combine(BrowserRunner.RepositoryRoot(), "tools", "GenAiSdkTests");
        Assert.True(Directory.Exists(Path.Combine(tools, "node_modules", "@google", "genai")), $"The SDK tests need @google/genai in {tools}: run scripts/genai-deps.");
        var start = new ProcessStartInfo("node", ["genai.test.mjs", .. scenarios])
        {
            WorkingDirectory = tools,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["SWITCHYARD_URL"] = _gateway.BaseAddress.ToString();
        start.Environment["SWITCHYARD_CLIENT_KEY"] = GatewayHarness.ClientKey;
        // "Hello there": two words and three framing tokens, by the gateway's estimator and by the mock's count alike.
        start.Environment["SWITCHYARD_EXPECTED_COUNT"] = "5";

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        output.Append(await stdout).Append(await stderr);

        Assert.True(process.ExitCode == 0, $"SDK scenarios failed (exit {process.ExitCode}):\n{output}");
        foreach (var scenario in scenarios)
        {
            Assert.Contains($"passed: {scenario}\n", output.ToString().ReplaceLineEndings("\n"));
        }
        var records = await _gateway.LedgerAsync(scenarios.Length);
        Assert.Contains(records, r => r.Endpoint == "gemini.count_tokens" && r.Channel == "mock-gemini");
        Assert.Contains(records, r => r.Endpoint == "gemini.batch_embed_contents" && r.Channel == "mock" && r.Usage.Input == 3);
        Assert.Contains(records, r => r.Endpoint == "gemini.generate_content" && r.Stream && r.Channel == "mock-anthropic" && r.Usage.Output == 5);
    }
}
