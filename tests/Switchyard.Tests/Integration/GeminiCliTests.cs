using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>
/// The real Gemini CLI (<c>gemini -p</c>) in its default auto mode, through every channel family: its classifier
/// asks a <c>…-flash-lite</c> model for a JSON verdict, then the main turn goes to the model it picked; both names
/// are the client's own and reach the house models through patterns.
/// </summary>
public sealed class GeminiCliTests(AgentGateway gateway) : IClassFixture<AgentGateway>
{
    [Theory]
    [MemberData(nameof(AgentGateway.Families), MemberType = typeof(AgentGateway))]
    public async Task GeminiCli_PlainPromptInAutoMode_AnswersThroughEachChannelFamily(string family)
    {
        using var gemini = AgentClient.GeminiCli(gateway.BaseAddress, AgentGateway.KeyFor(family));

        var run = await gemini.RunAsync("-p", "Say hello. [mock:tool=none]");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Hello from the mock upstream.", run.Output, StringComparison.Ordinal);
        var records = await gateway.RecordsAsync(family);
        Assert.All(records, r => Assert.True(r.Status == 200, $"{r.Endpoint} {r.RequestedModel} → {r.Status} {r.ErrorKind}\n{run}"));
        // The classifier's flash-lite name matches gemini-*-flash* too; the more specific gemini-*-flash-lite* wins.
        Assert.Contains(records, r => r.RequestedModel!.Contains("-flash-lite", StringComparison.Ordinal) && r.ServedModel == AgentGateway.Served(family, AgentGateway.Lite));
        Assert.Contains(records, r => r.RequestedModel!.StartsWith("gemini-", StringComparison.Ordinal) && !r.RequestedModel.Contains("-lite", StringComparison.Ordinal) && r.Stream);
    }

    [Theory]
    [MemberData(nameof(AgentGateway.Families), MemberType = typeof(AgentGateway))]
    public async Task GeminiCli_ShellToolRoundTripInAutoMode_RunsTheCommandAndAnswersWithItsOutput(string family)
    {
        using var gemini = AgentClient.GeminiCli(gateway.BaseAddress, AgentGateway.KeyFor(family));

        var run = await gemini.RunAsync("--approval-mode", "yolo", "-p",
            """Check the value. [mock:tool=run_shell_command][mock:tool_args={"command":"printf sy-%d 42"}]""");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Tool result received:", run.Output, StringComparison.Ordinal);
        Assert.Contains("sy-42", run.Output, StringComparison.Ordinal);
        var records = await gateway.RecordsAsync(family);
        Assert.All(records, r => Assert.True(r.Status == 200, $"{r.Endpoint} {r.RequestedModel} → {r.Status} {r.ErrorKind}\n{run}"));
    }
}
