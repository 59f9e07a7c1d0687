using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.Anthropic;
using Switchyard.Providers.OpenAiCompatible;
using static Switchyard.Tests.Protocols.Conversion.ConversionTestKit;

namespace Switchyard.Tests.Protocols.Conversion;

/// <summary>Anthropic client → OpenAI-compatible upstream (Claude Code in front of DeepSeek, Qwen, vLLM…).</summary>
public sealed class AnthropicToOpenAiTests
{
    private readonly AnthropicMessagesCodec _codec = new();
    private readonly OpenAiCompatibleProvider _provider = new();

    private ChatRequest Read(string json)
    {
        var request = _codec.ReadRequest(System.Text.Encoding.UTF8.GetBytes(json), out var error);
        Assert.Null(error);
        return request!;
    }

    [Fact]
    public void ReadRequest_ClaudeCodeRequest_KeepsEveryPart()
    {
        var request = Read(Fixture("claude-code-request.json"));

        Assert.Equal(2, request.System.Count);
        Assert.NotNull(request.System[0].CacheControl);
        Assert.Equal(["Read", "Bash"], request.Tools.Select(t => t.Name));
        Assert.Equal(16000, request.MaxTokens);
        Assert.Equal(4000, request.Thinking!.BudgetTokens);
        Assert.Equal("user_2f8a_account_c0ffee_session_42", request.User);
        var assistant = request.Messages[1];
        Assert.Equal(ChatRole.Assistant, assistant.Role);
        Assert.Equal(new ThinkingPart("THINKING", "SIGNATURE"), assistant.Content[0]);
        var call = Assert.IsType<ToolCallPart>(assistant.Content[2]);
        Assert.Equal(("toolu_01ABCdef", "Read", """{"file_path":"/repo/main.py"}"""), (call.Id, call.Name, call.Arguments));
        var result = Assert.IsType<ToolResultPart>(request.Messages[2].Content[0]);
        Assert.Equal("def add(a, b):\n    return a - b\n", Assert.IsType<TextPart>(Assert.Single(result.Content)).Text);
    }

    [Fact]
    public void WriteRequest_ClaudeCodeRequest_BecomesAValidChatCompletionsRequest()
    {
        var request = Read(Fixture("claude-code-request.json")) with { Stream = true };

        var body = Json(Write(o => _provider.WriteRequest(o, request, "deepseek-chat")));

        var expected = Json("""
            {
              "model": "deepseek-chat",
              "messages": [
                {"role": "system", "content": "You are Claude Code, Anthropic's official CLI for Claude.\n\nWorking directory: /repo\nPlatform: linux"},
                {"role": "user", "content": [
                  {"type": "text", "text": "<system-reminder>\nAs you answer, use the tools available.\n</system-reminder>"},
                  {"type": "text", "text": "Fix the failing test in main.py"}]},
                {"role": "assistant", "content": "Let me read the file first.",
                 "tool_calls": [{"id": "toolu_01ABCdef", "type": "function", "function": {"name": "Read", "arguments": "{\"file_path\":\"/repo/main.py\"}"}}]},
                {"role": "tool", "tool_call_id": "toolu_01ABCdef", "content": "def add(a, b):\n    return a - b\n"},
                {"role": "user", "content": "[Request interrupted by user] continue"}
              ],
              "max_tokens": 16000,
              "user": "user_2f8a_account_c0ffee_session_42",
              "stream": true,
              "stream_options": {"include_usage": true}
            }
            """);
        Assert.Equal(Compact(expected.GetProperty("messages")), Compact(body.GetProperty("messages")));
        Assert.Equal(2, body.GetProperty("tools").GetArrayLength());
        Assert.Equal("Read", body.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("object", body.GetProperty("tools")[0].GetProperty("function").GetProperty("parameters").GetProperty("type").GetString());
        Assert.True(body.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal(16000, body.GetProperty("max_tokens").GetInt32());
        Assert.DoesNotContain("SIGNATURE", body.GetRawText());
    }

    [Fact]
    public void WriteRequest_ToolResultError_IsMarked()
    {
        var request = Read("""{"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"boom","is_error":true}]}]}""");

        var body = Json(Write(o => _provider.WriteRequest(o, request, "m")));

        Assert.Equal("Error: boom", body.GetProperty("messages")[0].GetProperty("content").GetString());
    }

    [Fact]
    public void ReadRequest_ServerTool_IsRefusedClearly()
    {
        _codec.ReadRequest("""{"model":"m","max_tokens":10,"tools":[{"type":"web_search_20250305","name":"web_search"}],"messages":[]}"""u8.ToArray(), out var error);

        Assert.Equal(400, error!.Status);
        Assert.Contains("web_search_20250305", error.Message);
    }

    [Fact]
    public void ReadResponse_DeepSeekReasoning_BecomesThinkingThenTextWithCacheUsage()
    {
        var answer = _provider.ReadResponse("""
            {"id":"c1","object":"chat.completion","model":"deepseek-reasoner","choices":[{"index":0,"message":{"role":"assistant","content":"42","reasoning_content":"Think..."},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":10,"completion_tokens":7,"total_tokens":17,"prompt_cache_hit_tokens":4,"completion_tokens_details":{"reasoning_tokens":5}}}
            """u8, out _)!;

        var written = Json(Write(o => _codec.WriteResponse(o, answer)));

        Assert.Equal("thinking", written.GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal("", written.GetProperty("content")[0].GetProperty("signature").GetString());
        Assert.Equal("42", written.GetProperty("content")[1].GetProperty("text").GetString());
        Assert.Equal("end_turn", written.GetProperty("stop_reason").GetString());
        var usage = written.GetProperty("usage");
        Assert.Equal((6, 4, 0, 7), (usage.GetProperty("input_tokens").GetInt32(), usage.GetProperty("cache_read_input_tokens").GetInt32(),
            usage.GetProperty("cache_creation_input_tokens").GetInt32(), usage.GetProperty("output_tokens").GetInt32()));
    }

    [Theory]
    [InlineData("stop", "end_turn")]
    [InlineData("length", "max_tokens")]
    [InlineData("tool_calls", "tool_use")]
    [InlineData("content_filter", "refusal")]
    public void StopReasons_MapBothWays(string openAi, string anthropic)
    {
        Assert.Equal(anthropic, AnthropicMessagesCodec.StopReasonName(OpenAiCompatibleProvider.StopReasonOf(openAi)));
    }

    [Fact]
    public void Stream_OpenAiChunksWithToolCalls_BecomeTheExactAnthropicSequence()
    {
        const string upstream = """
            data: {"id":"c1","object":"chat.completion.chunk","model":"deepseek-chat","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

            data: {"id":"c1","object":"chat.completion.chunk","model":"deepseek-chat","choices":[{"index":0,"delta":{"content":"Reading"},"finish_reason":null}]}

            data: {"id":"c1","object":"chat.completion.chunk","model":"deepseek-chat","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"Read","arguments":""}}]},"finish_reason":null}]}

            data: {"id":"c1","object":"chat.completion.chunk","model":"deepseek-chat","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"file\":"}}]},"finish_reason":null}]}

            data: {"id":"c1","object":"chat.completion.chunk","model":"deepseek-chat","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"a\"}"}}]},"finish_reason":null}]}

            data: {"id":"c1","object":"chat.completion.chunk","model":"deepseek-chat","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

            data: {"id":"c1","object":"chat.completion.chunk","model":"deepseek-chat","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":9,"total_tokens":21,"prompt_tokens_details":{"cached_tokens":8}}}

            data: [DONE]


            """;

        var events = Parse(_provider.CreateStreamParser(), upstream.ReplaceLineEndings("\n"));
        var sse = Render(_codec.CreateStreamWriter(new ChatRequest { Model = "m", Messages = [] }), events);

        const string expected = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_c1","type":"message","role":"assistant","model":"deepseek-chat","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}}

            event: ping
            data: {"type":"ping"}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Reading"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"call_1","name":"Read","input":{},"caller":{"type":"direct"}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"file\":"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\"a\"}"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":1}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":4,"cache_creation_input_tokens":0,"cache_read_input_tokens":8,"output_tokens":9}}

            event: message_stop
            data: {"type":"message_stop"}


            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), sse);
        Assert.Equal(new TokenUsage(12, 9, 8, 0, 0), ((MessageDelta)events.Last(e => e is MessageDelta { Usage: not null })).Usage);
    }

    [Fact]
    public void Stream_CutBeforeFinish_EndsWithAnAnthropicErrorEvent()
    {
        const string upstream = "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n";

        var sse = Render(_codec.CreateStreamWriter(new ChatRequest { Model = "m", Messages = [] }), Parse(_provider.CreateStreamParser(), upstream));

        Assert.EndsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"The upstream stream broke before it completed.\"}}\n\n", sse);
        Assert.DoesNotContain("message_stop", sse);
    }

    [Fact]
    public void WriteRequest_ImagesAndDocuments_BecomeOpenAiParts()
    {
        var request = Read("""
            {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[
              {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ"}},
              {"type":"image","source":{"type":"url","url":"https://example.com/cat.png"}},
              {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"},"title":"spec.pdf"},
              {"type":"document","source":{"type":"text","media_type":"text/plain","data":"plain words"}},
              {"type":"text","text":"Compare them."}]}]}
            """);

        var content = Json(Write(o => _provider.WriteRequest(o, request, "m"))).GetProperty("messages")[0].GetProperty("content");

        var expected = Json("""
            [{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}},
             {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}},
             {"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0x","filename":"spec.pdf"}},
             {"type":"text","text":"plain words"},
             {"type":"text","text":"Compare them."}]
            """);
        Assert.Equal(Compact(expected), Compact(content));
    }

    [Theory]
    [InlineData("""{"type":"document","source":{"type":"url","url":"https://example.com/spec.pdf"}}""", true)]
    [InlineData("""{"type":"tool_result","tool_use_id":"t1","content":[{"type":"document","source":{"type":"url","url":"https://example.com/a.pdf"}}]}""", true)]
    [InlineData("""{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"}}""", false)]
    [InlineData("""{"type":"image","source":{"type":"url","url":"https://example.com/cat.png"}}""", false)]
    public void Refuse_DocumentByUrl_IsA400BeforeAnythingIsSent(string block, bool refused)
    {
        var assistant = block.Contains("tool_result", StringComparison.Ordinal)
            ? """{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{}}]},"""
            : "";
        var request = Read($$"""{"model":"m","max_tokens":10,"messages":[{{assistant}}{"role":"user","content":[{{block}},{"type":"text","text":"Read it."}]}]}""");

        var error = _provider.Refuse(request);

        Assert.Equal(refused, error is not null);
        if (error is not null)
        {
            Assert.Equal((400, GatewayErrorKind.InvalidRequest), (error.Status, error.Kind));
            Assert.Contains("base64", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Stream_ParallelToolCallsAndReasoning_BecomeSeparateAnthropicBlocks()
    {
        const string upstream = """
            data: {"id":"c2","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"Need both."},"finish_reason":null}]}

            data: {"id":"c2","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"a","arguments":"{}"}}]},"finish_reason":null}]}

            data: {"id":"c2","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"b","arguments":"{\"x\":1}"}}]},"finish_reason":null}]}

            data: {"id":"c2","model":"deepseek-reasoner","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

            data: [DONE]


            """;

        var events = Parse(_provider.CreateStreamParser(), upstream.ReplaceLineEndings("\n"));
        var sse = Render(_codec.CreateStreamWriter(new ChatRequest { Model = "m", Messages = [] }), events);

        var starts = sse.Split("\n\n").Where(f => f.StartsWith("event: content_block_start", StringComparison.Ordinal)).ToList();
        Assert.True(starts.Count == 3, sse);
        Assert.Contains("\"index\":0,\"content_block\":{\"type\":\"thinking\"", starts[0]);
        Assert.Contains("\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"call_a\",\"name\":\"a\"", starts[1]);
        Assert.Contains("\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"call_b\",\"name\":\"b\"", starts[2]);
        Assert.Contains("\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Need both.\"}", sse);
        Assert.Contains("\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"x\\\":1}\"}", sse);
        Assert.Equal(3, sse.Split("event: content_block_stop").Length - 1);
        Assert.Contains("\"stop_reason\":\"tool_use\"", sse);
    }
}
