using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.OpenAi;
using Switchyard.Providers.AnthropicMessages;
using Switchyard.Tests.TestSupport;
using static Switchyard.Tests.Protocols.Conversion.ConversionTestKit;

namespace Switchyard.Tests.Protocols.Conversion;

/// <summary>OpenAI client → Anthropic upstream (the OpenAI SDKs using Claude models).</summary>
public sealed class OpenAiToAnthropicTests
{
    private readonly OpenAiChatConverter _codec = new(new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_790_000_000)));
    private readonly AnthropicMessagesProvider _provider = new();

    private ChatRequest Read(string json)
    {
        var request = _codec.ReadRequest(System.Text.Encoding.UTF8.GetBytes(json), out var error);
        Assert.Null(error);
        return request!;
    }

    [Fact]
    public void WriteRequest_ToolConversation_BecomesAnthropicTurns()
    {
        var request = Read("""
            {"model":"claude","max_tokens":300,"temperature":0.3,"stop":"END","user":"u-1","parallel_tool_calls":false,
             "messages":[
               {"role":"developer","content":"Be exact."},
               {"role":"user","content":[{"type":"text","text":"What is in it?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0K"}}]},
               {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"look","arguments":"{\"zoom\":2}"}},{"id":"call_2","type":"function","function":{"name":"look","arguments":"{}"}}]},
               {"role":"tool","tool_call_id":"call_1","content":"a cat"},
               {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"a hat"}]},
               {"role":"user","content":"And?"}],
             "tools":[{"type":"function","function":{"name":"look","description":"Look closer","parameters":{"type":"object","properties":{"zoom":{"type":"integer"}}}}}],
             "tool_choice":"required"}
            """);

        var body = Json(Write(o => _provider.WriteRequest(o, request, "claude-sonnet-4-5")));

        var expected = Json("""
            {"model":"claude-sonnet-4-5","max_tokens":300,"system":"Be exact.",
             "messages":[
               {"role":"user","content":[{"type":"text","text":"What is in it?"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0K"}}]},
               {"role":"assistant","content":[{"type":"tool_use","id":"call_1","name":"look","input":{"zoom":2}},{"type":"tool_use","id":"call_2","name":"look","input":{}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"a cat"},{"type":"tool_result","tool_use_id":"call_2","content":"a hat"},{"type":"text","text":"And?"}]}],
             "tools":[{"name":"look","description":"Look closer","input_schema":{"type":"object","properties":{"zoom":{"type":"integer"}}}}],
             "tool_choice":{"type":"any","disable_parallel_tool_use":true},
             "stop_sequences":["END"],"temperature":0.3,"metadata":{"user_id":"u-1"}}
            """);
        Assert.Equal(Compact(expected), Compact(body));
    }

    [Fact]
    public void WriteRequest_NoMaxTokensAndReasoningEffort_GetAnthropicDefaults()
    {
        var request = Read("""{"model":"c","reasoning_effort":"medium","messages":[{"role":"user","content":"hi"}]}""");

        var body = Json(Write(o => _provider.WriteRequest(o, request, "c")));

        // medium effort → a 4096-token budget; max_tokens must exceed it, so the default answer room is added on top.
        Assert.Equal(4096, body.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.Equal(4096 + AnthropicMessagesProvider.DefaultMaxTokens, body.GetProperty("max_tokens").GetInt64());
    }

    [Fact]
    public void WriteRequest_UnsignedReasoningAndEmptyText_AreDroppedNotCorrupted()
    {
        var request = Read("""{"model":"c","messages":[{"role":"user","content":"q"},{"role":"assistant","content":"","reasoning_content":"from deepseek"},{"role":"user","content":"again"}]}""");

        var body = Write(o => _provider.WriteRequest(o, request, "c"));

        Assert.DoesNotContain("from deepseek", body);
        Assert.DoesNotContain("\"text\":\"\"", body);
    }

    [Fact]
    public void ReadResponse_AnthropicMessage_BecomesOpenAiCompletionWithCachedUsage()
    {
        var answer = _provider.ReadResponse("""
            {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
             "content":[{"type":"thinking","thinking":"hmm","signature":"sig"},{"type":"text","text":"Done."},{"type":"tool_use","id":"toolu_1","name":"look","input":{"zoom":3}}],
             "stop_reason":"tool_use","stop_sequence":null,
             "usage":{"input_tokens":10,"cache_creation_input_tokens":5,"cache_read_input_tokens":20,"output_tokens":7}}
            """u8, out _)!;

        var written = Json(Write(o => _codec.WriteResponse(o, answer)));

        Assert.Equal(new TokenUsage(35, 7, 20, 5, 0), answer.Usage);
        var message = written.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("Done.", message.GetProperty("content").GetString());
        Assert.Equal("hmm", message.GetProperty("reasoning_content").GetString());
        Assert.Equal("""{"zoom":3}""", message.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("tool_calls", written.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var usage = written.GetProperty("usage");
        Assert.Equal((35, 7, 20), (usage.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("completion_tokens").GetInt32(),
            usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32()));
    }

    [Fact]
    public void Stream_AnthropicEvents_BecomeExactOpenAiChunks()
    {
        const string upstream = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"cache_read_input_tokens":4,"output_tokens":1}}}

            event: ping
            data: {"type":"ping"}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"look","input":{}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"z\":1}"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":1}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":6}}

            event: message_stop
            data: {"type":"message_stop"}


            """;
        var request = new ChatRequest { Model = "claude", Messages = [], ClientWantsUsage = true };

        var chunks = Render(_codec.CreateStreamWriter(request), Parse(_provider.CreateStreamParser(), upstream.ReplaceLineEndings("\n")));

        const string prefix = """{"id":"msg_1","object":"chat.completion.chunk","created":1790000000,"model":"claude-sonnet-4-5",""";
        string Chunk(string delta, string finish = "null") => $$"""data: {{prefix}}"choices":[{"index":0,"delta":{{{delta}}},"logprobs":null,"finish_reason":{{finish}}}],"usage":null}""" + "\n\n";
        var expected =
            Chunk("\"role\":\"assistant\",\"content\":\"\"") +
            Chunk("\"content\":\"Hi\"") +
            Chunk("\"tool_calls\":[{\"index\":0,\"id\":\"toolu_1\",\"type\":\"function\",\"function\":{\"name\":\"look\",\"arguments\":\"\"}}]") +
            Chunk("\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"z\\\":1}\"}}]") +
            Chunk("", "\"tool_calls\"") +
            "data: " + prefix + "\"choices\":[],\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":6,\"total_tokens\":20,\"prompt_tokens_details\":{\"cached_tokens\":4},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}" + "\n\n" +
            "data: [DONE]\n\n";
        Assert.Equal(expected, chunks);
    }

    [Fact]
    public void Stream_AnthropicErrorEvent_BecomesAnOpenAiErrorChunk()
    {
        const string upstream = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"c\",\"usage\":{\"input_tokens\":1}}}\n\n"
            + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";

        var chunks = Render(_codec.CreateStreamWriter(new ChatRequest { Model = "c", Messages = [] }), Parse(_provider.CreateStreamParser(), upstream));

        Assert.Contains("data: {\"error\":{\"message\":\"Overloaded\"", chunks);
        Assert.DoesNotContain("[DONE]", chunks);
    }

    [Theory]
    [InlineData("""{"messages":[]}""", "model")]
    [InlineData("""{"model":"c"}""", "messages")]
    [InlineData("""{"model":"c","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}]}""", "messages[0].content")]
    [InlineData("""{"model":"c","messages":[],"tools":[{"type":"web_search"}]}""", "tools")]
    public void ReadRequest_Unservable_Is400WithParam(string json, string param)
    {
        _codec.ReadRequest(System.Text.Encoding.UTF8.GetBytes(json), out var error);

        Assert.Equal((400, param), (error!.Status, error.Param));
    }

    [Fact]
    public void Stream_AnthropicThinking_ReachesOpenAiClientsAsReasoningContent()
    {
        const string upstream = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m1\",\"model\":\"c\",\"usage\":{\"input_tokens\":3}}}\n\n"
            + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Let me see.\"}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"c2lnbmF0dXJl\"}}\n\n"
            + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
            + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":4}}\n\n"
            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

        var chunks = Render(_codec.CreateStreamWriter(new ChatRequest { Model = "c", Messages = [] }), Parse(_provider.CreateStreamParser(), upstream));

        Assert.Contains("\"delta\":{\"reasoning_content\":\"Let me see.\"}", chunks);
        Assert.DoesNotContain("c2lnbmF0dXJl", chunks);
        Assert.Contains("\"finish_reason\":\"stop\"", chunks);
        Assert.EndsWith("data: [DONE]\n\n", chunks);
        Assert.DoesNotContain("\"usage\"", chunks);
    }

    [Fact]
    public void WriteRequest_WithThinking_LeavesSamplingToAnthropicAndDropsBlankText()
    {
        var request = Read("""{"model":"c","reasoning_effort":"low","temperature":0.2,"top_p":0.5,"messages":[{"role":"user","content":[{"type":"text","text":"  "},{"type":"text","text":"hi"}]}]}""");

        var body = Json(Write(o => _provider.WriteRequest(o, request, "c")));

        Assert.Equal(1024, body.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.False(body.TryGetProperty("temperature", out _));
        Assert.False(body.TryGetProperty("top_p", out _));
        Assert.Equal(1, body.GetProperty("messages")[0].GetProperty("content").GetArrayLength());
    }

    [Fact]
    public void WriteRequest_ForcedToolChoice_TurnsThinkingOff()
    {
        var request = Read("""{"model":"c","reasoning_effort":"high","tool_choice":"required","tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"go"}]}""");

        var body = Json(Write(o => _provider.WriteRequest(o, request, "c")));

        Assert.False(body.TryGetProperty("thinking", out _));
        Assert.Equal("any", body.GetProperty("tool_choice").GetProperty("type").GetString());
    }

    [Fact]
    public void StreamParser_RedactedThinkingAndErrorEnding_AreKeptOnce()
    {
        const string upstream = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"c\",\"usage\":{\"input_tokens\":1}}}\n\n"
            + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"EncRypTed\"}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"no index\"}}\n\n"
            + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";

        var events = Parse(_provider.CreateStreamParser(), upstream);

        Assert.Contains(events, e => e is BlockStarted { Block: RedactedThinkingPart { Data: "EncRypTed" } });
        Assert.Equal(529, Assert.Single(events.OfType<StreamFailed>()).Error.Status);
    }
}
