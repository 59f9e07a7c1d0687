using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>
/// The real Codex CLI (<c>codex exec</c>) with its default tools (functions, the <c>multi_agent_v1</c> namespace and
/// hosted <c>web_search</c>) through every channel family: forwarded to the Responses channel, converted elsewhere.
/// </summary>
public sealed class CodexCliTests(AgentGateway gateway) : IClassFixture<AgentGateway>
{
    private const string Model = "gpt-5.3-codex";

    [Theory]
    [MemberData(nameof(AgentGateway.Families), MemberType = typeof(AgentGateway))]
    public async Task Codex_PlainPrompt_AnswersThroughEachChannelFamily(string family)
    {
        using var codex = AgentClient.Codex(gateway.BaseAddress, AgentGateway.KeyFor(family), Model);

        var run = await codex.RunAsync("exec", "--skip-git-repo-check", "Say hello. [mock:tool=none]");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Hello from the mock upstream.", run.Output, StringComparison.Ordinal);
        var records = await gateway.RecordsAsync(family);
        Assert.All(records, r => Assert.True(r.Status == 200, $"{r.Endpoint} {r.RequestedModel} → {r.Status} {r.ErrorKind}\n{run}"));
        Assert.Contains(records, r => r.Endpoint == "responses" && r.RequestedModel == Model && r.ServedModel == AgentGateway.Served(family, AgentGateway.Large));
    }

    [Theory]
    [MemberData(nameof(AgentGateway.Families), MemberType = typeof(AgentGateway))]
    public async Task Codex_ExecCommandToolRoundTrip_RunsTheCommandAndAnswersWithItsOutput(string family)
    {
        using var codex = AgentClient.Codex(gateway.BaseAddress, AgentGateway.KeyFor(family), Model);

        var run = await codex.RunAsync("exec", "--skip-git-repo-check",
            """Check the value. [mock:tool=exec_command][mock:tool_args={"cmd":"printf sy-%d 42"}]""");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Tool result received:", run.Output, StringComparison.Ordinal);
        Assert.Contains("sy-42", run.Output, StringComparison.Ordinal);
        var records = await gateway.RecordsAsync(family);
        Assert.All(records, r => Assert.True(r.Status == 200, $"{r.Endpoint} {r.RequestedModel} → {r.Status} {r.ErrorKind}\n{run}"));
        Assert.True(records.Count(r => r.Endpoint == "responses") >= 2, run.ToString());
    }
}
