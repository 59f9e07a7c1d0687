using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Contracts;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>
/// A Codex-style Responses session (store: false, instructions, developer message, a function tool, reasoning with
/// summaries and encrypted content, streaming; the second turn sends the first turn's output items back with a
/// function_call_output) against a chat-completions upstream, an Anthropic upstream and a native Responses upstream.
/// </summary>
public sealed class CodexSessionTests : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(customize: ResponsesTests.WithResponsesChannel);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private static JsonObject FirstTurn(string model) => new()
    {
        ["model"] = model,
        ["instructions"] = "You are Codex, a coding agent running in a terminal.",
        ["input"] = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "message",
                ["role"] = "developer",
                ["content"] = new JsonArray { new JsonObject { ["type"] = "input_text", ["text"] = "<permissions>workspace-write</permissions>" } },
            },
            new JsonObject
            {
                ["type"] = "message",
                ["role"] = "user",
                ["content"] = new JsonArray { new JsonObject { ["type"] = "input_text", ["text"] = "List the files here [mock:reasoning=3] [mock:tool_args={\"command\":[\"ls\"]}]" } },
            },
        },
        ["tools"] = new JsonArray
        {
            JsonNode.Parse("""
                {"type":"function","name":"shell","description":"Runs a shell command and returns its output.","strict":false,
                 "parameters":{"type":"object","properties":{"command":{"type":"array","items":{"type":"string"}}},"required":["command"],"additionalProperties":false}}
                """),
        },
        ["tool_choice"] = "auto",
        ["parallel_tool_calls"] = false,
        ["reasoning"] = new JsonObject { ["effort"] = "medium", ["summary"] = "auto" },
        ["store"] = false,
        ["stream"] = true,
        ["include"] = new JsonArray { "reasoning.encrypted_content" },
        ["prompt_cache_key"] = "019a7f3c-codex-session",
    };

    private async Task<List<(string Event, JsonElement Data)>> StreamAsync(JsonObject body)
    {
        using var response = await _gateway.Http.SendAsync(_gateway.Post("/v1/responses", body.ToJsonString()), HttpCompletionOption.ResponseHeadersRead);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.StartsWith("text/event-stream", response.Content.Headers.ContentType?.ToString());
        var frames = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(frame =>
        {
            var lines = frame.Split('\n');
            Assert.StartsWith("event: ", lines[0]);
            Assert.StartsWith("data: ", lines[1]);
            return (lines[0]["event: ".Length..], JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement.Clone());
        }).ToList();
        Assert.All(frames, f => Assert.Equal(f.Item1, f.Item2.GetProperty("type").GetString()));
        Assert.Equal(Enumerable.Range(0, frames.Count), frames.Select(f => f.Item2.GetProperty("sequence_number").GetInt32()));
        Assert.Equal(["response.created", "response.in_progress"], frames.Take(2).Select(f => f.Item1));
        Assert.Equal("response.completed", frames[^1].Item1);
        return frames;
    }

    private static TokenUsage UsageOf(JsonElement completed)
    {
        var usage = completed.GetProperty("response").GetProperty("usage");
        return new TokenUsage(usage.GetProperty("input_tokens").GetInt64(), usage.GetProperty("output_tokens").GetInt64(),
            usage.GetProperty("input_tokens_details").GetProperty("cached_tokens").GetInt64(),
            usage.GetProperty("input_tokens_details").TryGetProperty("cache_write_tokens", out var write) ? write.GetInt64() : 0,
            usage.GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt64());
    }

    /// <summary>Runs both turns; returns the output items of turn 1 and the text of turn 2.</summary>
    private async Task<(JsonElement[] Items, string Reply, TokenUsage[] Usage)> SessionAsync(string model)
    {
        var first = FirstTurn(model);
        var turn1 = await StreamAsync(first);
        var items = turn1.Where(f => f.Event == "response.output_item.done").Select(f => f.Data.GetProperty("item")).ToArray();
        var call = items.Single(i => i.GetProperty("type").GetString() == "function_call");
        Assert.Equal("shell", call.GetProperty("name").GetString());
        Assert.Equal("""{"command":["ls"]}""", call.GetProperty("arguments").GetString());
        var argumentDeltas = string.Concat(turn1.Where(f => f.Event == "response.function_call_arguments.delta").Select(f => f.Data.GetProperty("delta").GetString()));
        Assert.Equal(call.GetProperty("arguments").GetString(), argumentDeltas);
        Assert.Equal(items.Select(i => i.GetProperty("id").GetString()),
            turn1[^1].Data.GetProperty("response").GetProperty("output").EnumerateArray().Select(i => i.GetProperty("id").GetString()));

        var second = FirstTurn(model);
        var input = second["input"]!.AsArray();
        foreach (var item in items)
        {
            input.Add(JsonNode.Parse(item.GetRawText()));
        }
        input.Add(new JsonObject { ["type"] = "function_call_output", ["call_id"] = call.GetProperty("call_id").GetString(), ["output"] = "README.md\nsrc" });
        var turn2 = await StreamAsync(second);
        var reply = string.Concat(turn2.Where(f => f.Event == "response.output_text.delta").Select(f => f.Data.GetProperty("delta").GetString()));

        var records = (await _gateway.LedgerAsync(3)).Where(r => r.Endpoint == "responses").OrderBy(r => r.CreatedAt).ToList();
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal((200, true), (r.Status, r.Stream)));
        var usage = new[] { UsageOf(turn1[^1].Data), UsageOf(turn2[^1].Data) };
        Assert.Equal(usage, records.Select(r => r.Usage));
        return (items, reply, usage);
    }

    [Fact]
    public async Task Session_AgainstChatCompletionsUpstream_ToolLoopAndExactUsage()
    {
        var (items, reply, usage) = await SessionAsync("gpt-4o");

        Assert.Equal(["function_call"], items.Select(i => i.GetProperty("type").GetString()));
        Assert.Contains("README.md", reply);
        var sent = _gateway.Mock.Requests.Where(r => r.Path == "/v1/chat/completions").Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal(2, sent.Count);
        var messages = sent[1].GetProperty("messages");
        Assert.Equal(["system", "user", "assistant", "tool"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(items[0].GetProperty("call_id").GetString(), messages[2].GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal("README.md\nsrc", messages[3].GetProperty("content").GetString());
        Assert.Equal("medium", sent[1].GetProperty("reasoning_effort").GetString());
        Assert.False(sent[1].GetProperty("parallel_tool_calls").GetBoolean());
        // Mock rule: 3 reasoning tokens on each turn, billed within output.
        Assert.All(usage, u => Assert.Equal(3, u.Reasoning));
        Assert.True(usage[1].Input > usage[0].Input);
    }

    [Fact]
    public async Task Session_AgainstAnthropicUpstream_SignedThinkingComesBackIntact()
    {
        var (items, reply, usage) = await SessionAsync("claude-sonnet-4-5");

        Assert.Equal(["reasoning", "function_call"], items.Select(i => i.GetProperty("type").GetString()));
        Assert.NotEqual(0, items[0].GetProperty("summary").GetArrayLength());
        Assert.Contains("README.md", reply);
        var sent = _gateway.Mock.Requests.Where(r => r.Path == "/v1/messages").Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal(2, sent.Count);
        var assistant = sent[1].GetProperty("messages")[1];
        Assert.Equal("assistant", assistant.GetProperty("role").GetString());
        var thinking = assistant.GetProperty("content")[0];
        Assert.Equal("thinking", thinking.GetProperty("type").GetString());
        // The mock answered 200, so the signature reached it byte-exact (it refuses any other).
        Assert.Equal(items[0].GetProperty("summary")[0].GetProperty("text").GetString(), thinking.GetProperty("thinking").GetString());
        Assert.Equal("tool_use", assistant.GetProperty("content")[1].GetProperty("type").GetString());
        Assert.Equal("tool_result", sent[1].GetProperty("messages")[2].GetProperty("content")[0].GetProperty("type").GetString());
        Assert.All(usage, u => Assert.True(u.Output > 0));
    }

    [Fact]
    public async Task Session_AgainstNativeResponsesUpstream_PassesThroughUnchanged()
    {
        var (items, reply, usage) = await SessionAsync("o4-mini");

        Assert.Equal(["reasoning", "function_call"], items.Select(i => i.GetProperty("type").GetString()));
        Assert.Contains("README.md", reply);
        Assert.Equal(2, _gateway.Mock.Requests.Count(r => r.Path == "/v1/responses"));
        Assert.All(usage, u => Assert.Equal(3, u.Reasoning));
    }
}
