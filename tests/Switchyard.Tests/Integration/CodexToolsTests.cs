using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Configuration;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>
/// Codex's default tools (function tools, the <c>multi_agent_v1</c> namespace, the freeform <c>apply_patch</c> tool and
/// the hosted <c>web_search</c> with <c>external_web_access: false</c>) on channels that do not speak the Responses API:
/// OpenAI chat completions, Anthropic and Gemini upstreams, non-stream and stream, and the next turn's outputs.
/// </summary>
public sealed class CodexToolsTests : IAsyncLifetime
{
    private const string Spawn = "multi_agent_v1__spawn_agent";

    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(customize: WithSearchChannels);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    /// <summary>Gemini, plus an Anthropic and a Gemini channel that allow web search to be mapped.</summary>
    private static GatewayConfig WithSearchChannels(GatewayConfig config)
    {
        config = GeminiChannel.Add(config);
        var mockBase = new Uri(config.Channels[0].BaseUrl);
        return config with
        {
            Channels =
            [
                .. config.Channels,
                new ChannelConfig
                {
                    Name = "anthropic-search", Type = "anthropic", BaseUrl = new Uri(mockBase, "/v1").ToString(), Keys = ["anthropic-upstream-key"],
                    Models = ["claude-search"], HostedTools = ["web_search"],
                },
                new ChannelConfig
                {
                    Name = "gemini-search", Type = "gemini", BaseUrl = new Uri(mockBase, "/v1beta").ToString(), Keys = [GeminiChannel.UpstreamKey],
                    Models = ["gemini-search"], HostedTools = ["web_search"],
                },
            ],
            Models = [.. config.Models, new ModelConfig { Name = "claude-search" }, new ModelConfig { Name = "gemini-search" }],
        };
    }

    /// <summary>The tools part of the request Codex 0.171 sends.</summary>
    private static JsonArray CodexTools() =>
    [
        JsonNode.Parse("""
            {"type":"function","name":"shell","description":"Runs a shell command.","strict":false,
             "parameters":{"type":"object","properties":{"command":{"type":"array","items":{"type":"string"}}},"required":["command"],"additionalProperties":false}}
            """),
        JsonNode.Parse("""
            {"type":"namespace","name":"multi_agent_v1","description":"Sub-agents",
             "tools":[
               {"type":"function","name":"spawn_agent","description":"Starts a sub-agent.","strict":false,
                "parameters":{"type":"object","properties":{"message":{"type":"string"}},"required":["message"],"additionalProperties":false}},
               {"type":"function","name":"wait_agent","description":"Waits for a sub-agent.","strict":false,
                "parameters":{"type":"object","properties":{"id":{"type":"string"}},"required":["id"],"additionalProperties":false}}]}
            """),
        JsonNode.Parse("""
            {"type":"custom","name":"apply_patch","description":"Applies a patch.",
             "format":{"type":"grammar","syntax":"lark","definition":"start: begin_patch hunk+ end_patch"}}
            """),
        JsonNode.Parse("""{"type":"web_search","external_web_access":false}"""),
    ];

    private static JsonObject Request(string model, string text, bool stream, params JsonNode[] history)
    {
        var input = new JsonArray { new JsonObject { ["type"] = "message", ["role"] = "user", ["content"] = new JsonArray { new JsonObject { ["type"] = "input_text", ["text"] = text } } } };
        foreach (var item in history)
        {
            input.Add(item);
        }
        return new JsonObject
        {
            ["model"] = model,
            ["instructions"] = "You are Codex.",
            ["input"] = input,
            ["tools"] = CodexTools(),
            ["tool_choice"] = "auto",
            ["parallel_tool_calls"] = false,
            ["store"] = false,
            ["stream"] = stream,
        };
    }

    /// <summary>The output items of the answer (from response.completed when streaming), and the response's headers.</summary>
    private async Task<(JsonElement[] Items, HttpResponseMessage Response, List<(string Event, JsonElement Data)> Events)> SendAsync(JsonObject body)
    {
        var response = await _gateway.Http.SendAsync(_gateway.Post("/v1/responses", body.ToJsonString()));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        if (body["stream"]!.GetValue<bool>())
        {
            var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(frame =>
            {
                var lines = frame.Split('\n');
                return (lines[0]["event: ".Length..], JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement.Clone());
            }).ToList();
            Assert.Equal("response.completed", events[^1].Item1);
            return (events[^1].Item2.GetProperty("response").GetProperty("output").EnumerateArray().ToArray(), response, events);
        }
        return (JsonDocument.Parse(text).RootElement.GetProperty("output").EnumerateArray().ToArray(), response, []);
    }

    private JsonElement LastUpstreamBody() => JsonDocument.Parse(_gateway.Mock.Requests[^1].Body).RootElement;

    /// <summary>The names of the functions the upstream was offered, whatever its family.</summary>
    private static List<string> OfferedNames(JsonElement body, string family) => family switch
    {
        "openai" => body.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()!).ToList(),
        "anthropic" => body.GetProperty("tools").EnumerateArray().Where(t => !t.TryGetProperty("type", out _)).Select(t => t.GetProperty("name").GetString()!).ToList(),
        _ => body.GetProperty("tools").EnumerateArray().Where(t => t.TryGetProperty("functionDeclarations", out _))
            .SelectMany(t => t.GetProperty("functionDeclarations").EnumerateArray()).Select(d => d.GetProperty("name").GetString()!).ToList(),
    };

    [Theory]
    [InlineData("gpt-4o", "openai", false)]
    [InlineData("gpt-4o", "openai", true)]
    [InlineData("claude-sonnet-4-5", "anthropic", false)]
    [InlineData("claude-sonnet-4-5", "anthropic", true)]
    [InlineData(GeminiChannel.Flash, "gemini", false)]
    [InlineData(GeminiChannel.Flash, "gemini", true)]
    public async Task Codex_NamespacedCall_ComesBackNamespacedAndItsOutputReachesTheUpstream(string model, string family, bool stream)
    {
        var (items, response, _) = await SendAsync(Request(model, $"Delegate this [mock:tool={Spawn}] [mock:tool_args={{\"message\":\"hi\"}}]", stream));

        var offered = OfferedNames(LastUpstreamBody(), family);
        Assert.Equal(["shell", Spawn, "multi_agent_v1__wait_agent", "apply_patch"], offered);
        Assert.Equal("web_search", response.Headers.GetValues("x-switchyard-tools-dropped").Single());
        var call = items.Single(i => i.GetProperty("type").GetString() == "function_call");
        Assert.Equal(("spawn_agent", "multi_agent_v1"), (call.GetProperty("name").GetString(), call.GetProperty("namespace").GetString()));
        Assert.Equal("""{"message":"hi"}""", call.GetProperty("arguments").GetString());
        var record = (await _gateway.LedgerAsync(1)).Single();
        Assert.Equal(200, record.Status);
        Assert.Equal("hosted tools left out: web_search", record.Note);

        var callItem = JsonNode.Parse(call.GetRawText())!;
        var output = new JsonObject { ["type"] = "function_call_output", ["call_id"] = call.GetProperty("call_id").GetString(), ["output"] = "agent-7 started" };
        var (next, _, _) = await SendAsync(Request(model, "Delegate this", stream, callItem, output));

        Assert.Contains("agent-7 started", next.Single(i => i.GetProperty("type").GetString() == "message").GetRawText());
        var sent = LastUpstreamBody().GetRawText();
        Assert.Contains($"\"{Spawn}\"", sent.Replace(OfferedJson(LastUpstreamBody()), "", StringComparison.Ordinal));
    }

    /// <summary>The tools part of an upstream body, so a name found elsewhere is in the conversation, not the tool list.</summary>
    private static string OfferedJson(JsonElement body) => body.GetProperty("tools").GetRawText();

    [Theory]
    [InlineData("gpt-4o", false)]
    [InlineData("gpt-4o", true)]
    [InlineData("claude-sonnet-4-5", false)]
    [InlineData("claude-sonnet-4-5", true)]
    [InlineData(GeminiChannel.Flash, false)]
    [InlineData(GeminiChannel.Flash, true)]
    public async Task Codex_CustomToolCall_ComesBackWithRawInputAndItsOutputReachesTheUpstream(string model, bool stream)
    {
        const string Patch = "*** Begin Patch\n*** Add File: a.txt\n+hello\n*** End Patch";
        var arguments = JsonSerializer.Serialize(new Dictionary<string, string> { ["input"] = Patch });
        var (items, _, events) = await SendAsync(Request(model, $"Patch it [mock:tool=apply_patch] [mock:tool_args={arguments}]", stream));

        var call = items.Single(i => i.GetProperty("type").GetString() == "custom_tool_call");
        Assert.Equal(("apply_patch", Patch), (call.GetProperty("name").GetString(), call.GetProperty("input").GetString()));
        Assert.False(call.TryGetProperty("namespace", out _));
        if (stream)
        {
            Assert.Equal(Patch, string.Concat(events.Where(e => e.Event == "response.custom_tool_call_input.delta").Select(e => e.Data.GetProperty("delta").GetString())));
            Assert.Equal(Patch, events.Single(e => e.Event == "response.custom_tool_call_input.done").Data.GetProperty("input").GetString());
            Assert.DoesNotContain(events, e => e.Event == "response.function_call_arguments.delta");
        }

        var output = new JsonObject { ["type"] = "custom_tool_call_output", ["call_id"] = call.GetProperty("call_id").GetString(), ["output"] = "Done! a.txt" };
        var (next, _, _) = await SendAsync(Request(model, "Patch it", stream, JsonNode.Parse(call.GetRawText())!, output));

        Assert.Contains("Done! a.txt", next.Single(i => i.GetProperty("type").GetString() == "message").GetRawText());
        // The call went back as the one-string function it was offered as.
        Assert.Contains("*** Add File: a.txt", LastUpstreamBody().GetRawText().Replace("\\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Codex_WebSearch_OnAnthropicChannelThatAllowsIt_BecomesServerWebSearch()
    {
        var (_, response, _) = await SendAsync(Request("claude-search", "Look it up", stream: false));

        Assert.False(response.Headers.Contains("x-switchyard-tools-dropped"));
        var search = LastUpstreamBody().GetProperty("tools").EnumerateArray().Single(t => t.TryGetProperty("type", out _));
        Assert.Equal(("web_search_20250305", "web_search"), (search.GetProperty("type").GetString(), search.GetProperty("name").GetString()));
        Assert.Null((await _gateway.LedgerAsync(1)).Single().Note);
    }

    [Fact]
    public async Task Codex_WebSearch_OnGeminiChannelThatAllowsIt_BecomesGoogleSearchGrounding()
    {
        var (_, response, _) = await SendAsync(Request("gemini-search", "Look it up", stream: true));

        Assert.False(response.Headers.Contains("x-switchyard-tools-dropped"));
        var tools = LastUpstreamBody().GetProperty("tools").EnumerateArray().ToList();
        Assert.Contains(tools, t => t.TryGetProperty("googleSearch", out _));
        Assert.Contains(tools, t => t.TryGetProperty("functionDeclarations", out _));
    }
}
