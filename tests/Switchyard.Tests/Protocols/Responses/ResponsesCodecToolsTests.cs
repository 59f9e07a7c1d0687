using System.Buffers;
using System.Text;
using System.Text.Json;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.Responses;
using Switchyard.Tests.Protocols.OpenAiChat;
using static Switchyard.Tests.Protocols.Responses.ResponsesGolden;

namespace Switchyard.Tests.Protocols.Responses;

/// <summary>Namespace, custom and hosted tools of a Responses request on a converted channel, and their calls going back.</summary>
public sealed class ResponsesCodecToolsTests
{
    private readonly ResponsesCodec _codec = new(OpenAiGolden.Clock());

    private const string Tools = """
        "tools":[
          {"type":"function","name":"shell","parameters":{"type":"object"}},
          {"type":"namespace","name":"multi_agent_v1","description":"Sub-agents","tools":[
            {"type":"function","name":"spawn_agent","description":"Starts one.","parameters":{"type":"object","properties":{"message":{"type":"string"}}}},
            {"type":"custom","name":"note"}]},
          {"type":"namespace","name":"mcp.server/with dots","tools":[{"type":"function","name":"x","parameters":{"type":"object"}}]},
          {"type":"custom","name":"apply_patch","description":"Patch.","format":{"type":"grammar","syntax":"lark","definition":"start: hunk+"}},
          {"type":"web_search","external_web_access":false},
          {"type":"file_search","vector_store_ids":["vs_1"]}]
        """;

    private ChatRequest Decode(string json)
    {
        var request = _codec.ReadRequest(Bytes(json), out var error);
        Assert.True(error is null, error?.Message);
        return request!;
    }

    [Fact]
    public void ReadRequest_CodexTools_NamespacesFlattenedCustomAsOneStringHostedSetAside()
    {
        var request = Decode($$"""{"model":"m","input":"x",{{Tools}}}""");

        Assert.Equal(["shell", "multi_agent_v1__spawn_agent", "multi_agent_v1__note", request.Tools[3].Name, "apply_patch"], request.Tools.Select(t => t.Name));
        Assert.All(request.Tools, t => Assert.True(ToolNames.IsSafe(t.Name), t.Name));
        Assert.StartsWith("mcp_server_with_dots__x_", request.Tools[3].Name);
        Assert.Equal(("multi_agent_v1", "spawn_agent", ToolKind.Function), (request.Tools[1].Namespace, request.Tools[1].ClientName, request.Tools[1].Kind));
        Assert.Equal(ToolKind.Custom, request.Tools[2].Kind);
        var patch = request.Tools[4];
        Assert.Equal((ToolKind.Custom, null, null), (patch.Kind, patch.Namespace, patch.ClientName));
        var input = patch.Parameters!.Value.GetProperty("properties").GetProperty("input");
        Assert.Equal("string", input.GetProperty("type").GetString());
        Assert.Contains("start: hunk+", input.GetProperty("description").GetString());
        Assert.Equal(["input"], patch.Parameters!.Value.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["web_search", "file_search"], request.HostedTools.Select(t => t.Type));
        Assert.False(request.HostedTools[0].Spec.GetProperty("external_web_access").GetBoolean());
    }

    [Fact]
    public void ReadRequest_NamespacedAndCustomCallsWithOutputs_ReachTheUpstreamUnderTheOfferedNames()
    {
        var request = Decode($$"""
            {"model":"m",{{Tools}},"input":[
              {"type":"function_call","call_id":"call_1","namespace":"multi_agent_v1","name":"spawn_agent","arguments":"{\"message\":\"hi\"}"},
              {"type":"function_call_output","call_id":"call_1","output":"agent-7"},
              {"type":"custom_tool_call","call_id":"call_2","name":"apply_patch","input":"*** Begin Patch\n\"quoted\""},
              {"type":"custom_tool_call_output","call_id":"call_2","output":"Done!"}]}
            """);

        var calls = request.Messages.SelectMany(m => m.Content).OfType<ToolCallPart>().ToList();
        Assert.Equal(["multi_agent_v1__spawn_agent", "apply_patch"], calls.Select(c => c.Name));
        Assert.Equal("*** Begin Patch\n\"quoted\"", JsonDocument.Parse(calls[1].Arguments).RootElement.GetProperty("input").GetString());
        var results = request.Messages.SelectMany(m => m.Content).OfType<ToolResultPart>().ToList();
        Assert.Equal([("call_1", "agent-7"), ("call_2", "Done!")], results.Select(r => (r.ToolCallId, ((TextPart)r.Content[0]).Text)));
    }

    [Fact]
    public void WriteResponse_CallsOfFlattenedTools_GoBackNamespacedAndCustom()
    {
        var request = Decode($$"""{"model":"m","input":"x",{{Tools}}}""");
        var answer = new ChatResponse("msg_01", "m",
        [
            new ToolCallPart("call_1", "multi_agent_v1__spawn_agent", """{"message":"hi"}"""),
            new ToolCallPart("call_2", "apply_patch", """{"input":"*** Begin Patch"}"""),
            new ToolCallPart("call_3", "shell", """{"command":["ls"]}"""),
        ], StopReason.ToolUse, default);

        var output = new ArrayBufferWriter<byte>();
        _codec.WriteResponse(output, answer, request);

        var items = JsonDocument.Parse(output.WrittenMemory).RootElement.GetProperty("output").EnumerateArray().ToList();
        Assert.Equal(("function_call", "spawn_agent", "multi_agent_v1"),
            (items[0].GetProperty("type").GetString(), items[0].GetProperty("name").GetString(), items[0].GetProperty("namespace").GetString()));
        Assert.Equal(("custom_tool_call", "apply_patch", "*** Begin Patch", "call_2"),
            (items[1].GetProperty("type").GetString(), items[1].GetProperty("name").GetString(), items[1].GetProperty("input").GetString(), items[1].GetProperty("call_id").GetString()));
        Assert.Equal(("function_call", "shell"), (items[2].GetProperty("type").GetString(), items[2].GetProperty("name").GetString()));
        Assert.False(items[2].TryGetProperty("namespace", out _));
    }

    [Fact]
    public void StreamWriter_CustomCall_StreamsTheRawInputNotTheJsonArguments()
    {
        var request = Decode($$"""{"model":"m","input":"x","stream":true,{{Tools}}}""");
        var writer = _codec.CreateStreamWriter(request);
        var output = new ArrayBufferWriter<byte>();
        foreach (var e in new StreamEvent[]
        {
            new MessageStarted("msg_01", "m", null),
            new BlockStarted(0, new ToolCallPart("call_2", "apply_patch", "")),
            new ToolArgumentsDelta(0, """{"inp"""),
            new ToolArgumentsDelta(0, """ut":"*** Begin\nPatch"}"""),
            new BlockStopped(0),
            new BlockStarted(1, new ToolCallPart("call_1", "multi_agent_v1__spawn_agent", "")),
            new ToolArgumentsDelta(1, "{}"),
            new BlockStopped(1),
            new MessageDelta(StopReason.ToolUse, null, null),
            MessageStopped.Instance,
        })
        {
            writer.Write(e, output);
        }

        var events = Encoding.UTF8.GetString(output.WrittenSpan).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(f => JsonDocument.Parse(f.Split('\n')[1]["data: ".Length..]).RootElement).ToList();
        var types = events.Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal("*** Begin\nPatch", events.Single(e => e.GetProperty("type").GetString() == "response.custom_tool_call_input.done").GetProperty("input").GetString());
        Assert.Equal("*** Begin\nPatch", events.Single(e => e.GetProperty("type").GetString() == "response.custom_tool_call_input.delta").GetProperty("delta").GetString());
        Assert.Single(types, t => t == "response.function_call_arguments.delta");
        var added = events.Where(e => e.GetProperty("type").GetString() == "response.output_item.added").Select(e => e.GetProperty("item")).ToList();
        Assert.Equal(("custom_tool_call", ""), (added[0].GetProperty("type").GetString(), added[0].GetProperty("input").GetString()));
        Assert.Equal("multi_agent_v1", added[1].GetProperty("namespace").GetString());
        var final = events[^1].GetProperty("response").GetProperty("output");
        Assert.Equal(["custom_tool_call", "function_call"], final.EnumerateArray().Select(i => i.GetProperty("type").GetString()));
    }

    [Theory]
    [InlineData("shell", "shell")]
    [InlineData("multi_agent_v1__spawn_agent", "multi_agent_v1__spawn_agent")]
    [InlineData("9lives", null)]
    [InlineData("a.b", null)]
    public void ToolNames_Safe_KeepsAcceptedNamesAndRewritesOthersWithAHash(string name, string? expected)
    {
        var safe = ToolNames.Safe(name);

        Assert.True(ToolNames.IsSafe(safe));
        if (expected is not null)
        {
            Assert.Equal(expected, safe);
        }
        else
        {
            Assert.NotEqual(name, safe);
            Assert.NotEqual(name.Replace('.', '_'), safe);
        }
        Assert.True(ToolNames.IsSafe(ToolNames.Flatten(new string('n', 60), new string('t', 60))));
        Assert.NotEqual(ToolNames.Flatten(new string('n', 60), "t1"), ToolNames.Flatten(new string('n', 60), "t2"));
    }
}
