using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.Anthropic;
using Switchyard.Providers.AnthropicMessages;
using Switchyard.Tests.TestSupport;
using static Switchyard.Tests.Protocols.Anthropic.AnthropicGolden;

namespace Switchyard.Tests.Providers.Anthropic;

/// <summary>Anthropic answers and error bodies read into canonical terms.</summary>
public sealed class AnthropicProviderResponseTests
{
    private readonly AnthropicMessagesProvider _provider = new();

    private ChatResponse ReadOk(string json)
    {
        var response = _provider.ReadResponse(Bytes(json), out var error);
        Assert.Null(error);
        return Assert.IsType<ChatResponse>(response);
    }

    [Fact]
    public void ReadResponse_UpstreamMessage_BecomesCanonicalParts()
    {
        var response = ReadOk(Read("upstream-message.json"));

        Assert.Equal(("msg_01XFDUDYJgAACzvnptvVoYEL", "claude-sonnet-4-5-20250929", StopReason.ToolUse), (response.Id, response.Model, response.StopReason));
        Assert.Null(response.StopSequence);
        Assert.Equal(4, response.Content.Count);
        Assert.Equal(new ThinkingPart("The user wants the weather.",
            "ErUBCkYIBRgCIkAqOVKeGxl0SWqPi/c8Mn/vwxwX+Z0Ykq7Gmk3M8h0z2ZMDT4A8fd8TqJHdSpVxNYCBRjtuY0N0ynJx8xvnLXk="), response.Content[0]);
        Assert.Equal(new RedactedThinkingPart("EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"), response.Content[1]);
        Assert.Equal("I'll check.", Assert.IsType<TextPart>(response.Content[2]).Text);
        Assert.Equal(new ToolCallPart("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather", """{"location": "San Francisco, CA", "unit": "celsius"}"""), response.Content[3]);
    }

    [Fact]
    public void ReadResponse_Usage_BecomesOpenAiSemantics()
    {
        var response = ReadOk(Read("upstream-message.json"));

        Assert.Equal(new TokenUsage(Input: 12 + 2048 + 100, Output: 87, Cached: 2048, CacheWrite: 100, Reasoning: 0), response.Usage);
    }

    [Fact]
    public void ReadResponse_ThenWriteResponse_GivesTheAnthropicClientTheSameMessage()
    {
        var response = ReadOk(Read("upstream-message.json"));

        var json = Write(o => new AnthropicMessagesCodec().WriteResponse(o, response));

        JsonAssert.Equal(Read("upstream-message.client.json"), json);
    }

    [Theory]
    [InlineData("end_turn", StopReason.EndTurn)]
    [InlineData("max_tokens", StopReason.MaxTokens)]
    [InlineData("stop_sequence", StopReason.StopSequence)]
    [InlineData("tool_use", StopReason.ToolUse)]
    [InlineData("refusal", StopReason.Refusal)]
    [InlineData("pause_turn", StopReason.PauseTurn)]
    [InlineData("model_context_window_exceeded", StopReason.ContextWindowExceeded)]
    public void ReadResponse_StopReason_MapsToCanonical(string stopReason, StopReason expected)
    {
        var response = ReadOk($$$"""
            {"id":"msg_1","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"x"}],
             "stop_reason":"{{{stopReason}}}","stop_sequence":{{{(stopReason == "stop_sequence" ? "\"END\"" : "null")}}},"usage":{"input_tokens":1,"output_tokens":1}}
            """);

        Assert.Equal(expected, response.StopReason);
        Assert.Equal(stopReason == "stop_sequence" ? "END" : null, response.StopSequence);
    }

    [Fact]
    public void ReadResponse_UsageWithoutCacheFields_CountsThemAsZero()
    {
        var response = ReadOk("""{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":7,"output_tokens":3}}""");

        Assert.Equal(new TokenUsage(7, 3, 0, 0, 0), response.Usage);
        Assert.Empty(response.Content);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"type":"message","id":"msg_1"}""")]
    public void ReadResponse_NotAMessage_Is502(string body)
    {
        var response = _provider.ReadResponse(Bytes(body), out var error);

        Assert.Null(response);
        Assert.Equal((GatewayErrorKind.UpstreamError, 502), (error!.Kind, error.Status));
    }

    [Theory]
    [InlineData(400, """{"type":"error","error":{"type":"invalid_request_error","message":"messages: text content blocks must be non-empty"},"request_id":"req_1"}""", 400, false, "Upstream returned status 400: messages: text content blocks must be non-empty")]
    [InlineData(404, """{"type":"error","error":{"type":"not_found_error","message":"model: claude-9"}}""", 404, false, "Upstream returned status 404: model: claude-9")]
    [InlineData(413, """{"type":"error","error":{"type":"request_too_large","message":"Request exceeds the maximum size"}}""", 413, false, "Upstream returned status 413: Request exceeds the maximum size")]
    [InlineData(429, """{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}""", 429, true, "Upstream returned status 429: Number of request tokens has exceeded your per-minute rate limit")]
    [InlineData(500, """{"type":"error","error":{"type":"api_error","message":"Internal server error"}}""", 500, true, "Upstream returned status 500: Internal server error")]
    [InlineData(529, """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""", 529, true, "Upstream returned status 529: Overloaded")]
    [InlineData(502, "<html><body>502 Bad Gateway</body></html>", 502, true, "Upstream returned status 502: <html><body>502 Bad Gateway</body></html>")]
    [InlineData(503, "", 503, true, "Upstream returned status 503.")]
    public void ReadError_Status_KeepsStatusMessageAndFallback(int status, string body, int expectedStatus, bool allowFallback, string message)
    {
        var error = _provider.ReadError(status, Bytes(body));

        Assert.Equal((GatewayErrorKind.UpstreamError, expectedStatus, allowFallback, message), (error.Kind, error.Status, error.AllowFallback, error.Message));
    }

    [Theory]
    [InlineData(401, """{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key sk-ant-api03-SECRET"}}""")]
    [InlineData(403, """{"type":"error","error":{"type":"permission_error","message":"key sk-ant-api03-SECRET may not use this model"}}""")]
    public void ReadError_UpstreamRejectsChannelKey_Is502WithoutEchoingIt(int status, string body)
    {
        var error = _provider.ReadError(status, Bytes(body));

        Assert.Equal((GatewayErrorKind.UpstreamError, 502, true, "upstream_auth_failed"), (error.Kind, error.Status, error.AllowFallback, error.Code));
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", Write(o => new AnthropicMessagesCodec().WriteError(o, error)), StringComparison.Ordinal);
    }
}
