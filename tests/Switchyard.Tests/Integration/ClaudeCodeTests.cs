using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>The real Claude Code CLI (<c>claude -p</c>) through every channel family, asking for its own model names.</summary>
public sealed class ClaudeCodeTests(AgentGateway gateway) : IClassFixture<AgentGateway>
{
    [Theory]
    [MemberData(nameof(AgentGateway.Families), MemberType = typeof(AgentGateway))]
    public async Task ClaudeCode_PlainPrompt_AnswersThroughEachChannelFamily(string family)
    {
        using var claude = AgentClient.ClaudeCode(gateway.BaseAddress, AgentGateway.KeyFor(family));

        var run = await claude.RunAsync("-p", "Say hello. [mock:tool=none]");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Hello from the mock upstream.", run.Output, StringComparison.Ordinal);
        var records = await gateway.RecordsAsync(family);
        Assert.All(records, r => Assert.True(r.Status == 200, $"{r.Endpoint} {r.RequestedModel} → {r.Status} {r.ErrorKind}\n{run}"));
        // Claude Code's own default model name reaches the house model through the claude-opus-* pattern.
        Assert.Contains(records, r => r.Endpoint == "messages" && r.RequestedModel!.StartsWith("claude-", StringComparison.Ordinal)
            && r.ServedModel == AgentGateway.Served(family, AgentGateway.Large));
    }

    [Theory]
    [MemberData(nameof(AgentGateway.Families), MemberType = typeof(AgentGateway))]
    public async Task ClaudeCode_BashToolRoundTrip_RunsTheCommandAndAnswersWithItsOutput(string family)
    {
        using var claude = AgentClient.ClaudeCode(gateway.BaseAddress, AgentGateway.KeyFor(family));

        // printf turns "sy-%d 42" into "sy-42": the answer can only hold it if the command really ran.
        var run = await claude.RunAsync("-p", """Check the value. [mock:tool=Bash][mock:tool_args={"command":"printf sy-%d 42","description":"Print the check value"}]""",
            "--allowedTools", "Bash");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Tool result received:", run.Output, StringComparison.Ordinal);
        Assert.Contains("sy-42", run.Output, StringComparison.Ordinal);
        var records = await gateway.RecordsAsync(family);
        Assert.All(records, r => Assert.True(r.Status == 200, $"{r.Endpoint} {r.RequestedModel} → {r.Status} {r.ErrorKind}\n{run}"));
        Assert.True(records.Count(r => r.Endpoint == "messages") >= 2, run.ToString());
    }
}
