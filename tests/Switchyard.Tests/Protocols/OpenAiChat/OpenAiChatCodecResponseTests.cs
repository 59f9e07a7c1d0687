using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.OpenAi;
using Switchyard.Tests.TestSupport;
using static Switchyard.Tests.Protocols.OpenAiChat.OpenAiGolden;

namespace Switchyard.Tests.Protocols.OpenAiChat;

/// <summary>Canonical answers and errors written as OpenAI chat completions.</summary>
public sealed class OpenAiChatCodecResponseTests
{
    private readonly OpenAiChatConverter _codec = new(Clock());

    private JsonElement Answer(ChatResponse response) => JsonDocument.Parse(Write(o => _codec.WriteResponse(o, response))).RootElement;

    [Fact]
    public void WriteResponse_ThinkingTextAndToolCalls_MatchesGolden()
    {
        var response = new ChatResponse("msg_01XFDUDYJgAACzvnptvVoYEL", "claude-sonnet-4-5",
        [
            new ThinkingPart("The user wants weather in two cities.", "EqQBCgIYAhIM"),
            new TextPart("Let me check "),
            new TextPart("both cities."),
            new ToolCallPart("toolu_01A", "get_weather", """{"city": "Paris"}"""),
            new ToolCallPart("toolu_01B", "get_weather", """{"city": "Lima"}"""),
        ], StopReason.ToolUse, new TokenUsage(2095, 503, 1800, 250, 0));

        var written = Write(o => _codec.WriteResponse(o, response));

        JsonAssert.Equal(Read("response-thinking-tools.client.json"), written);
        Assert.DoesNotContain("EqQBCgIYAhIM", written);
    }

    [Fact]
    public void WriteResponse_TextOnly_HasNoReasoningOrToolCallsFields()
    {
        var message = Answer(new ChatResponse("msg_1", "claude", [new TextPart("Hi.")], StopReason.EndTurn, new TokenUsage(5, 2, 0, 0, 0)))
            .GetProperty("choices")[0].GetProperty("message");

        Assert.Equal("Hi.", message.GetProperty("content").GetString());
        Assert.False(message.TryGetProperty("reasoning_content", out _));
        Assert.False(message.TryGetProperty("tool_calls", out _));
        Assert.Equal(JsonValueKind.Null, message.GetProperty("refusal").ValueKind);
    }

    [Fact]
    public void WriteResponse_ToolCallsOnly_HasNullContent()
    {
        var message = Answer(new ChatResponse("msg_1", "claude", [new ToolCallPart("t", "f", "{}")], StopReason.ToolUse, default))
            .GetProperty("choices")[0].GetProperty("message");

        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
    }

    [Fact]
    public void WriteResponse_NoCacheWrites_LeavesCacheWriteTokensOut()
    {
        var usage = Answer(new ChatResponse("msg_1", "claude", [new TextPart("x")], StopReason.EndTurn, new TokenUsage(10, 4, 3, 0, 2))).GetProperty("usage");

        JsonAssert.Equal("""
            {"prompt_tokens":10,"completion_tokens":4,"total_tokens":14,
             "prompt_tokens_details":{"cached_tokens":3},"completion_tokens_details":{"reasoning_tokens":2}}
            """, usage.GetRawText());
    }

    [Theory]
    [InlineData(StopReason.EndTurn, "stop")]
    [InlineData(StopReason.StopSequence, "stop")]
    [InlineData(StopReason.MaxTokens, "length")]
    [InlineData(StopReason.ToolUse, "tool_calls")]
    [InlineData(StopReason.ContentFilter, "content_filter")]
    [InlineData(StopReason.Refusal, "content_filter")]
    public void WriteResponse_StopReason_BecomesFinishReason(StopReason reason, string finish)
    {
        var choice = Answer(new ChatResponse("msg_1", "claude", [new TextPart("x")], reason, default)).GetProperty("choices")[0];

        Assert.Equal(finish, choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public void WriteResponse_CreatedComesFromTheClock()
    {
        var answer = Answer(new ChatResponse("msg_1", "claude", [], StopReason.EndTurn, default));

        Assert.Equal(Created, answer.GetProperty("created").GetInt64());
        Assert.Equal("msg_1", answer.GetProperty("id").GetString());
        Assert.Equal("chat.completion", answer.GetProperty("object").GetString());
    }

    [Fact]
    public void WriteError_InvalidRequest_IsOpenAiErrorBody()
    {
        var written = Write(o => _codec.WriteError(o, new GatewayError(GatewayErrorKind.InvalidRequest, 400, "You must provide a model parameter.") { Param = "model" }));

        JsonAssert.Equal("""{"error":{"message":"You must provide a model parameter.","type":"invalid_request_error","param":"model","code":null}}""", written);
    }

    [Fact]
    public void WriteError_UpstreamAuthFailure_KeepsItsCode()
    {
        var written = Write(o => _codec.WriteError(o, new GatewayError(GatewayErrorKind.UpstreamError, 502,
            "The upstream channel rejected its credentials (status 401).", AllowFallback: true)
        { Code = "upstream_auth_failed" }));

        JsonAssert.Equal("""{"error":{"message":"The upstream channel rejected its credentials (status 401).","type":"api_error","param":null,"code":"upstream_auth_failed"}}""", written);
    }
}
