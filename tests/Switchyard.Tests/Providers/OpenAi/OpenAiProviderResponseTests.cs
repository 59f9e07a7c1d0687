using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Providers.OpenAiCompatible;
using static Switchyard.Tests.Protocols.OpenAiChat.OpenAiGolden;

namespace Switchyard.Tests.Providers.OpenAi;

/// <summary>OpenAI-compatible answers and error bodies read into canonical terms.</summary>
public sealed class OpenAiProviderResponseTests
{
    private readonly OpenAiCompatibleProvider _provider = new();

    private ChatResponse Answer(string json)
    {
        var response = _provider.ReadResponse(Bytes(json), out var error);
        Assert.True(error is null, error?.Message);
        return response!;
    }

    [Fact]
    public void ReadResponse_OpenAiToolCalls_BecomeToolCallParts()
    {
        var response = Answer("""
            {"id":"chatcmpl-C3xJ9p","object":"chat.completion","created":1790000150,"model":"gpt-4.1-2025-04-14",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Checking both.","refusal":null,"annotations":[],
               "tool_calls":[{"id":"call_Paris1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                             {"id":"call_Lima2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Lima\"}"}}]},
               "logprobs":null,"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":85,"completion_tokens":48,"total_tokens":133,"prompt_tokens_details":{"cached_tokens":64,"audio_tokens":0},
               "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},
             "service_tier":"default","system_fingerprint":"fp_b3f1157249"}
            """);

        Assert.Equal(("chatcmpl-C3xJ9p", "gpt-4.1-2025-04-14", StopReason.ToolUse), (response.Id, response.Model, response.StopReason));
        Assert.Equal(
            [new TextPart("Checking both."), new ToolCallPart("call_Paris1", "get_weather", """{"city":"Paris"}"""), new ToolCallPart("call_Lima2", "get_weather", """{"city":"Lima"}""")],
            response.Content);
        Assert.Equal(new TokenUsage(85, 48, 64, 0, 0), response.Usage);
    }

    [Fact]
    public void ReadResponse_DeepSeekReasoningContent_BecomesThinkingFirstWithCacheHits()
    {
        var response = Answer("""
            {"id":"1f633d8b","object":"chat.completion","created":1790000200,"model":"deepseek-reasoner",
             "choices":[{"index":0,"message":{"role":"assistant","content":"9.8 is larger.","reasoning_content":"9.11 vs 9.8: compare the decimals."},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":82,"completion_tokens":95,"total_tokens":177,"prompt_tokens_details":{"cached_tokens":0},
               "completion_tokens_details":{"reasoning_tokens":80},"prompt_cache_hit_tokens":64,"prompt_cache_miss_tokens":18}}
            """);

        Assert.Equal([new ThinkingPart("9.11 vs 9.8: compare the decimals.", null), new TextPart("9.8 is larger.")], response.Content);
        Assert.Equal(StopReason.EndTurn, response.StopReason);
        Assert.Equal(new TokenUsage(82, 95, 64, 0, 80), response.Usage);
    }

    [Fact]
    public void ReadResponse_VllmReasoningField_BecomesThinking()
    {
        var response = Answer("""
            {"id":"chatcmpl-9d1c","object":"chat.completion","model":"Qwen/Qwen3-8B",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Yes.","reasoning":"A yes-or-no question.","tool_calls":[]},"finish_reason":"stop","stop_reason":null}],
             "usage":{"prompt_tokens":20,"total_tokens":31,"completion_tokens":11,"prompt_tokens_details":null}}
            """);

        Assert.Equal([new ThinkingPart("A yes-or-no question.", null), new TextPart("Yes.")], response.Content);
        Assert.Equal(new TokenUsage(20, 11, 0, 0, 0), response.Usage);
    }

    [Fact]
    public void ReadResponse_Refusal_BecomesTextWithRefusalStop()
    {
        var response = Answer("""
            {"id":"c","object":"chat.completion","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},"finish_reason":"stop"}]}
            """);

        Assert.Equal([new TextPart("I can't help with that.")], response.Content);
        Assert.Equal(StopReason.Refusal, response.StopReason);
    }

    [Theory]
    [InlineData("stop", StopReason.EndTurn)]
    [InlineData("length", StopReason.MaxTokens)]
    [InlineData("tool_calls", StopReason.ToolUse)]
    [InlineData("function_call", StopReason.ToolUse)]
    [InlineData("content_filter", StopReason.ContentFilter)]
    public void ReadResponse_FinishReason_BecomesStopReason(string finish, StopReason expected)
    {
        var response = Answer($$"""{"id":"c","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"{{finish}}"}]}""");

        Assert.Equal(expected, response.StopReason);
    }

    [Theory]
    [InlineData("""{"id":"c","model":"m","choices":[]}""")]
    [InlineData("""{"error":{"message":"boom"}}""")]
    [InlineData("""<html>502 Bad Gateway</html>""")]
    public void ReadResponse_NotACompletion_Is502(string body)
    {
        var response = _provider.ReadResponse(Bytes(body), out var error);

        Assert.Null(response);
        Assert.Equal((GatewayErrorKind.UpstreamError, 502), (error!.Kind, error.Status));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public void ReadError_CredentialsRejected_Is502AuthFailedWithFallback(int status)
    {
        var error = _provider.ReadError(status, """{"error":{"message":"Incorrect API key provided: sk-abc***.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"""u8);

        Assert.Equal(new GatewayError(GatewayErrorKind.UpstreamError, 502, $"The upstream channel rejected its credentials (status {status}).", AllowFallback: true)
        { Code = "upstream_auth_failed" }, error);
        Assert.DoesNotContain("sk-abc", error.Message);
    }

    [Theory]
    [InlineData(400, false)]
    [InlineData(404, false)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    public void ReadError_OpenAiErrorBody_KeepsStatusAndUpstreamMessage(int status, bool fallback)
    {
        var error = _provider.ReadError(status, """{"error":{"message":"This model's maximum context length is 128000 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"""u8);

        Assert.Equal((GatewayErrorKind.UpstreamError, status, fallback), (error.Kind, error.Status, error.AllowFallback));
        Assert.Equal($"Upstream returned status {status}: This model's maximum context length is 128000 tokens.", error.Message);
        Assert.Equal("context_length_exceeded", error.Code);
        Assert.True(error.UpstreamBody.IsEmpty);
    }

    [Fact]
    public void ReadError_NonJsonBody_QuotesItsStart()
    {
        var error = _provider.ReadError(502, "upstream connect error"u8);

        Assert.Equal((502, true, "Upstream returned status 502: upstream connect error"), (error.Status, error.AllowFallback, error.Message));
    }

    [Fact]
    public void ReadError_EmptyBody_SaysTheStatus()
    {
        Assert.Equal("Upstream returned status 429.", _provider.ReadError(429, ""u8).Message);
    }
}
