using System.Text;
using System.Text.Json;
using Switchyard.MockUpstream;
using static Switchyard.Tests.MockUpstream.ProtocolClient;

namespace Switchyard.Tests.MockUpstream;

public sealed class MockUpstreamAnthropicStreamTests
{
    private const string Stream = "\"stream\":true";
    private const string Thinking = "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}";
    private const string Tools = "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}},{\"name\":\"get_time\",\"input_schema\":{\"type\":\"object\"}}]";

    [Fact]
    public async Task Stream_Text_SendsAnthropicEventSequence()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        const string text = "stream please [mock:cached=1]";

        var events = await StreamAsync(host, MockUpstreamAnthropicTests.Message(text, Stream));

        Assert.Equal(
            ["message_start", "content_block_start", "ping", .. Enumerable.Repeat("content_block_delta", 5), "content_block_stop", "message_delta", "message_stop"],
            events.ConvertAll(e => e.Name!));
        Assert.All(events, e => Assert.Equal(e.Name, e.Type));
        var message = events[0].Data.GetProperty("message");
        Assert.StartsWith("msg_", message.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, message.GetProperty("content").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("stop_reason").ValueKind);
        var prompt = MockTokens.Count(text) + MockTokens.PerMessageTokens;
        Assert.Equal(prompt - 1, message.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(1, message.GetProperty("usage").GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(1, message.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""", events[1].Data.GetRawText());
        Assert.Equal("""{"type":"ping"}""", events[2].Data.GetRawText());
        Assert.Equal("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}""", events[3].Data.GetRawText());
        Assert.Equal("Hello from the mock upstream.", Concat(events, "text_delta", "text"));
        Assert.Equal("""{"type":"content_block_stop","index":0}""", events[^3].Data.GetRawText());
        var delta = events[^2].Data;
        Assert.Equal("end_turn", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, delta.GetProperty("delta").GetProperty("stop_sequence").ValueKind);
        var usage = delta.GetProperty("usage");
        Assert.Equal(5, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(prompt - 1, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(1, usage.GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal("""{"type":"message_stop"}""", events[^1].Data.GetRawText());
    }

    [Fact]
    public async Task Thinking_PlainResponse_ThinkingBlockWithSignatureThenText()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await ReadJsonAsync(await AnthropicAsync(host, MockUpstreamAnthropicTests.Message("think", Thinking, maxTokens: 2048)));

        var content = body.GetProperty("content");
        Assert.Equal(2, content.GetArrayLength());
        Assert.Equal("thinking", content[0].GetProperty("type").GetString());
        Assert.Equal(MockReplies.Thinking, content[0].GetProperty("thinking").GetString());
        Assert.False(string.IsNullOrEmpty(content[0].GetProperty("signature").GetString()));
        Assert.Equal("text", content[1].GetProperty("type").GetString());
        Assert.Equal(5 + MockTokens.Count(MockReplies.Thinking), body.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task Thinking_Stream_ThinkingDeltasThenSignatureDeltaThenText()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var events = await StreamAsync(host, MockUpstreamAnthropicTests.Message("think", $"{Stream},{Thinking}", maxTokens: 2048));
        var plain = await ReadJsonAsync(await AnthropicAsync(host, MockUpstreamAnthropicTests.Message("think", Thinking, maxTokens: 2048)));

        Assert.Equal("""{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}""", events[1].Data.GetRawText());
        Assert.Equal("ping", events[2].Name);
        Assert.Equal(MockReplies.Thinking, Concat(events, "thinking_delta", "thinking"));
        var signature = Assert.Single(events, e => e.Type == "content_block_delta" && DeltaType(e) == "signature_delta");
        var signatureIndex = events.IndexOf(signature);
        Assert.Equal("content_block_stop", events[signatureIndex + 1].Type);
        Assert.Equal(0, events[signatureIndex + 1].Data.GetProperty("index").GetInt32());
        Assert.Equal(plain.GetProperty("content")[0].GetProperty("signature").GetString(), signature.Data.GetProperty("delta").GetProperty("signature").GetString());
        Assert.Equal(1, events[signatureIndex + 2].Data.GetProperty("index").GetInt32());
        Assert.Equal("Hello from the mock upstream.", Concat(events, "text_delta", "text"));
    }

    [Fact]
    public async Task Thinking_SignatureSentBackUnchanged_IsAccepted()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        var first = await ReadJsonAsync(await AnthropicAsync(host, MockUpstreamAnthropicTests.Message("think", Thinking, maxTokens: 2048)));
        var thinkingBlock = first.GetProperty("content")[0].GetRawText();

        using var response = await AnthropicAsync(host, NextTurn(thinkingBlock));

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("signature")]
    [InlineData("thinking")]
    [InlineData("missing")]
    public async Task Thinking_SignatureOrTextAltered_Answers400InvalidSignature(string alteration)
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        var first = await ReadJsonAsync(await AnthropicAsync(host, MockUpstreamAnthropicTests.Message("think", Thinking, maxTokens: 2048)));
        var block = first.GetProperty("content")[0];
        var thinking = block.GetProperty("thinking").GetString()!;
        var signature = block.GetProperty("signature").GetString()!;
        var altered = alteration switch
        {
            "signature" => $$"""{"type":"thinking","thinking":{{Json(thinking)}},"signature":{{Json("x" + signature[1..])}}}""",
            "thinking" => $$"""{"type":"thinking","thinking":{{Json(thinking + " ")}},"signature":{{Json(signature)}}}""",
            _ => $$"""{"type":"thinking","thinking":{{Json(thinking)}}}""",
        };

        using var response = await AnthropicAsync(host, NextTurn(altered));

        MockUpstreamAnthropicTests.AssertError(await ReadJsonAsync(response, 400), "invalid_request_error", "messages.1.content.0: Invalid `signature` in `thinking` block");
    }

    [Fact]
    public async Task ToolUse_PlainResponse_ToolUseBlockAndStopReason()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await ReadJsonAsync(await AnthropicAsync(host, MockUpstreamAnthropicTests.Message("""weather? [mock:tool_args={"city":"Paris"}]""", Tools)));

        var block = Assert.Single(body.GetProperty("content").EnumerateArray());
        Assert.Equal("tool_use", block.GetProperty("type").GetString());
        Assert.StartsWith("toolu_", block.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("get_weather", block.GetProperty("name").GetString());
        Assert.Equal("""{"city":"Paris"}""", block.GetProperty("input").GetRawText());
        Assert.Equal("tool_use", body.GetProperty("stop_reason").GetString());
        Assert.Equal(MockTokens.Count("""{"city":"Paris"}""") + 1, body.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task ToolUse_Stream_InputJsonDeltasReassembleInput()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var events = await StreamAsync(host, MockUpstreamAnthropicTests.Message("""weather? [mock:tool_args={"city":"Paris","days":3}]""", $"{Stream},{Tools}"));

        var start = events[1].Data.GetProperty("content_block");
        Assert.Equal("tool_use", start.GetProperty("type").GetString());
        Assert.Equal("get_weather", start.GetProperty("name").GetString());
        Assert.Equal("{}", start.GetProperty("input").GetRawText());
        var pieces = events.FindAll(e => DeltaType(e) == "input_json_delta");
        Assert.InRange(pieces.Count, 2, 4);
        Assert.Equal("""{"city":"Paris","days":3}""", Concat(events, "input_json_delta", "partial_json"));
        Assert.Equal("tool_use", events[^2].Data.GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Theory]
    [InlineData("""{"type":"none"}""", "text")]
    [InlineData("""{"type":"tool","name":"get_time"}""", "get_time")]
    [InlineData("""{"type":"auto"}""", "get_weather")]
    public async Task ToolChoice_SelectsToolOrText(string toolChoice, string expected)
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await ReadJsonAsync(await AnthropicAsync(host, MockUpstreamAnthropicTests.Message("go", $"{Tools},\"tool_choice\":{toolChoice}")));

        var block = body.GetProperty("content")[0];
        Assert.Equal(expected, block.GetProperty("type").GetString() == "text" ? "text" : block.GetProperty("name").GetString());
    }

    [Fact]
    public async Task ToolUse_ParallelDirective_TwoBlocksUnlessDisabled()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var parallel = await ReadJsonAsync(await AnthropicAsync(host, MockUpstreamAnthropicTests.Message("go [mock:parallel_tools]", Tools)));
        var single = await ReadJsonAsync(await AnthropicAsync(host, MockUpstreamAnthropicTests.Message(
            "go [mock:parallel_tools]",
            $"{Tools},\"tool_choice\":{{\"type\":\"auto\",\"disable_parallel_tool_use\":true}}")));

        Assert.Equal(["get_weather", "get_time"], parallel.GetProperty("content").EnumerateArray().Select(b => b.GetProperty("name").GetString()));
        Assert.Single(single.GetProperty("content").EnumerateArray());
    }

    [Fact]
    public async Task ToolResult_StringContent_RepliesWithEcho()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        var request = $$$"""
            {"model":"claude-x","max_tokens":100,{{{Tools}}},"messages":[
              {"role":"user","content":"weather?"},
              {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny","is_error":false}]}]}
            """;

        var body = await ReadJsonAsync(await AnthropicAsync(host, request));

        Assert.Equal("end_turn", body.GetProperty("stop_reason").GetString());
        Assert.Equal(MockReplies.ToolResultPrefix + "sunny", body.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Stream_StreamErrorDirective_EndsWithErrorEvent()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var events = await StreamAsync(host, MockUpstreamAnthropicTests.Message("hi [mock:stream_error=overloaded_error]", Stream));

        Assert.Equal(["message_start", "content_block_start", "ping", "content_block_delta", "error"], events.ConvertAll(e => e.Name!));
        Assert.Equal("overloaded_error", events[^1].Data.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("Overloaded", events[^1].Data.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Stream_CutAfter_SendsThatManyEventsThenAborts()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var response = await AnthropicStreamResponseAsync(host, MockUpstreamAnthropicTests.Message("[mock:cut_after=4]", Stream));

        var body = await ReadUntilAbortAsync(response);

        Assert.Equal(4, ParseSse(body).Count);
        Assert.DoesNotContain("message_stop", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_ChunkDelayAndHeaderDirectives_Apply()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var response = await PostAsync(
            host,
            "v1/messages",
            MockUpstreamAnthropicTests.Message("hi", Stream),
            [.. AnthropicHeaders(), ("x-mock-reply", "one two"), ("x-mock-chunk-delay-ms", "20")],
            HttpCompletionOption.ResponseHeadersRead);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var events = ParseSse(await ReadStreamAsync(response));

        Assert.Equal("one two", Concat(events, "text_delta", "text"));
        Assert.True(watch.ElapsedMilliseconds >= (events.Count - 1) * 20 - 30, $"took {watch.ElapsedMilliseconds} ms");
    }

    private static string NextTurn(string thinkingBlock) => $$$"""
        {"model":"claude-x","max_tokens":2048,{{{Thinking}}},"messages":[
          {"role":"user","content":"think"},
          {"role":"assistant","content":[{{{thinkingBlock}}},{"type":"text","text":"Hello from the mock upstream."}]},
          {"role":"user","content":"and again"}]}
        """;

    private static Task<HttpResponseMessage> AnthropicStreamResponseAsync(MockUpstreamTestHost host, string json) =>
        PostAsync(host, "v1/messages", json, AnthropicHeaders(), HttpCompletionOption.ResponseHeadersRead);

    private static async Task<List<SseEvent>> StreamAsync(MockUpstreamTestHost host, string json)
    {
        using var response = await AnthropicStreamResponseAsync(host, json);
        return ParseSse(await ReadStreamAsync(response));
    }

    private static string? DeltaType(SseEvent e) =>
        e.Type == "content_block_delta" ? e.Data.GetProperty("delta").GetProperty("type").GetString() : null;

    private static string Concat(List<SseEvent> events, string deltaType, string field)
    {
        var text = new StringBuilder();
        foreach (var e in events)
        {
            if (DeltaType(e) == deltaType)
            {
                text.Append(e.Data.GetProperty("delta").GetProperty(field).GetString());
            }
        }

        return text.ToString();
    }
}
