using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.Anthropic;
using Switchyard.Tests.TestSupport;
using static Switchyard.Tests.Protocols.Anthropic.AnthropicGolden;

namespace Switchyard.Tests.Protocols.Anthropic;

/// <summary>Canonical answers and errors written back as Anthropic messages.</summary>
public sealed class AnthropicCodecResponseTests
{
    private readonly AnthropicMessagesCodec _codec = new();

    private static ChatResponse Answer(StopReason reason, params ContentPart[] content) =>
        new("msg_01", "claude-sonnet-4-5", content, reason, new TokenUsage(10, 5, 0, 0, 0));

    [Fact]
    public void WriteResponse_EveryBlockType_MatchesGolden()
    {
        var response = new ChatResponse("msg_01HkWa8nTq9", "claude-sonnet-4-5-20250929",
        [
            new ThinkingPart("Weather first.", "EqQBCkYIBxgCKkD+/x9Zq3w5Yb2N4m1Jc8sRt0uVwXyZ=="),
            new ThinkingPart("Reasoning from another family.", null),
            new RedactedThinkingPart("EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"),
            new TextPart(""),
            new TextPart("Checking the weather in Lima."),
            new ToolCallPart("toolu_01A", "get_weather", """{"city":"Lima","units":["c","f"],"deep":{"n":1.50}}"""),
            new ToolCallPart("toolu_01B", "get_time", """{"truncated": """),
        ], StopReason.ToolUse, new TokenUsage(Input: 2160, Output: 50, Cached: 2048, CacheWrite: 100, Reasoning: 0));

        var json = Write(o => _codec.WriteResponse(o, response));

        JsonAssert.Equal(Read("response-all-blocks.json"), json);
    }

    [Fact]
    public void WriteResponse_ToolUseInput_IsTheArgumentsJsonUnchanged()
    {
        var json = Write(o => _codec.WriteResponse(o, Answer(StopReason.ToolUse, new ToolCallPart("t", "f", """{"n":1.50,"s":"é\"","a":[]}"""))));

        var input = JsonDocument.Parse(json).RootElement.GetProperty("content")[0].GetProperty("input");
        Assert.Equal("""{"n":1.50,"s":"é\"","a":[]}""", input.GetRawText());
    }

    [Fact]
    public void WriteResponse_GoldenOutput_PassesTheOfficialSdkValidation()
    {
        var json = Read("response-all-blocks.json");

        var message = JsonSerializer.Deserialize<global::Anthropic.Models.Messages.Message>(json)!;
        message.Validate();

        Assert.Equal(6, message.Content.Count);
        Assert.True(message.Content[4].TryPickToolUse(out var toolUse));
        Assert.Equal("Lima", toolUse.Input["city"].GetString());
        Assert.Equal(12, message.Usage.InputTokens);
    }

    [Fact]
    public void WriteResponse_ConvertedToolUse_PassesTheOfficialSdkValidation()
    {
        var json = Write(o => _codec.WriteResponse(o, Answer(StopReason.ToolUse, new TextPart("ok"), new ToolCallPart("call_9", "f", "{}"))));

        var message = JsonSerializer.Deserialize<global::Anthropic.Models.Messages.Message>(json)!;
        message.Validate();
        Assert.True(message.Content[1].TryPickToolUse(out var toolUse));
        Assert.Equal("call_9", toolUse.ID);
    }

    [Theory]
    [InlineData(StopReason.EndTurn, "end_turn")]
    [InlineData(StopReason.MaxTokens, "max_tokens")]
    [InlineData(StopReason.StopSequence, "stop_sequence")]
    [InlineData(StopReason.ToolUse, "tool_use")]
    [InlineData(StopReason.ContentFilter, "refusal")]
    [InlineData(StopReason.Refusal, "refusal")]
    public void WriteResponse_StopReason_UsesAnthropicName(StopReason reason, string expected)
    {
        var root = JsonDocument.Parse(Write(o => _codec.WriteResponse(o, Answer(reason, new TextPart("x"))))).RootElement;

        Assert.Equal(expected, root.GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("stop_sequence").ValueKind);
    }

    [Fact]
    public void WriteResponse_StopSequence_NamesTheSequence()
    {
        var response = Answer(StopReason.StopSequence, new TextPart("x")) with { StopSequence = "END" };

        var root = JsonDocument.Parse(Write(o => _codec.WriteResponse(o, response))).RootElement;

        Assert.Equal(("stop_sequence", "END"), (root.GetProperty("stop_reason").GetString(), root.GetProperty("stop_sequence").GetString()));
    }

    [Theory]
    [InlineData(100, 0, 0, 7, 100, 0, 0)]
    [InlineData(2160, 2048, 100, 50, 12, 2048, 100)]
    [InlineData(30, 30, 0, 1, 0, 30, 0)]
    public void WriteResponse_Usage_TakesCacheOutOfInputTokens(long input, long cached, long cacheWrite, long output,
        long expectedInput, long expectedCacheRead, long expectedCacheWrite)
    {
        var response = Answer(StopReason.EndTurn, new TextPart("x")) with { Usage = new TokenUsage(input, output, cached, cacheWrite, 0) };

        var usage = JsonDocument.Parse(Write(o => _codec.WriteResponse(o, response))).RootElement.GetProperty("usage");

        JsonAssert.Equal($$"""
            {"input_tokens":{{expectedInput}},"cache_creation_input_tokens":{{expectedCacheWrite}},"cache_read_input_tokens":{{expectedCacheRead}},"output_tokens":{{output}}}
            """, usage.GetRawText());
    }

    [Fact]
    public void WriteResponse_IdWithoutMsgPrefix_GetsOne()
    {
        var root = JsonDocument.Parse(Write(o => _codec.WriteResponse(o, Answer(StopReason.EndTurn) with { Id = "chatcmpl-1" }))).RootElement;

        Assert.Equal("msg_chatcmpl-1", root.GetProperty("id").GetString());
        Assert.Equal(0, root.GetProperty("content").GetArrayLength());
    }

    [Theory]
    [InlineData(GatewayErrorKind.InvalidRequest, 400, "invalid_request_error")]
    [InlineData(GatewayErrorKind.MalformedJson, 400, "invalid_request_error")]
    [InlineData(GatewayErrorKind.InvalidKey, 401, "authentication_error")]
    [InlineData(GatewayErrorKind.UpstreamError, 402, "billing_error")]
    [InlineData(GatewayErrorKind.ModelNotAllowed, 403, "permission_error")]
    [InlineData(GatewayErrorKind.ModelNotFound, 404, "not_found_error")]
    [InlineData(GatewayErrorKind.UpstreamError, 409, "invalid_request_error")]
    [InlineData(GatewayErrorKind.BodyTooLarge, 413, "request_too_large")]
    [InlineData(GatewayErrorKind.RateLimited, 429, "rate_limit_error")]
    [InlineData(GatewayErrorKind.Internal, 500, "api_error")]
    [InlineData(GatewayErrorKind.UpstreamError, 502, "api_error")]
    [InlineData(GatewayErrorKind.UpstreamUnreachable, 503, "overloaded_error")]
    [InlineData(GatewayErrorKind.UpstreamTimeout, 504, "timeout_error")]
    [InlineData(GatewayErrorKind.UpstreamError, 529, "overloaded_error")]
    public void WriteError_Status_PicksAnthropicErrorType(GatewayErrorKind kind, int status, string type)
    {
        var json = Write(o => _codec.WriteError(o, new GatewayError(kind, status, "Something \"quoted\" — failed.")));

        JsonAssert.Equal($$$"""{"type":"error","error":{"type":"{{{type}}}","message":"Something \"quoted\" — failed."}}""", json);
    }
}
