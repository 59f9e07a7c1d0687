using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Providers.Gemini;
using static Switchyard.Tests.Protocols.Gemini.GeminiGolden;

namespace Switchyard.Tests.Providers.Gemini;

/// <summary>Gemini GenerateContentResponse bodies and error bodies read into canonical terms.</summary>
public sealed class GeminiProviderResponseTests
{
    private readonly GeminiProvider _provider = new();

    [Fact]
    public void ReadResponse_ThoughtsTextAndCalls_GiveEveryPartWithGeneratedCallIds()
    {
        var response = _provider.ReadResponse(Bytes(Read("upstream-response.json")), out var error);

        Assert.Null(error);
        Assert.Equal("mAitaLmkHPPlz7IPvtfUqQ4", response!.Id);
        Assert.Equal("gemini-2.5-flash", response.Model);
        Assert.Equal(StopReason.ToolUse, response.StopReason);
        Assert.Equal(4, response.Content.Count);
        Assert.Equal(new ThinkingPart("The user asks for the weather; I should call the tool.", null), response.Content[0]);
        Assert.Equal(new TextPart("Let me check."), response.Content[1]);
        var call = Assert.IsType<ToolCallPart>(response.Content[2]);
        Assert.Equal(("call_mAitaLmkHPPlz7IPvtfUqQ4_0", "get_weather"), (call.Id, call.Name));
        TestSupport.JsonAssert.Equal("""{"city":"Paris","unit":"celsius"}""", call.Arguments);
        Assert.Equal(new ToolCallPart("call_mAitaLmkHPPlz7IPvtfUqQ4_1", "get_time", "{}"), response.Content[3]);
    }

    [Fact]
    public void ReadResponse_Usage_CountsThoughtsAsReasoningOutputAndCachedInsidePrompt()
    {
        var response = _provider.ReadResponse(Bytes(Read("upstream-response.json")), out _);

        // promptTokenCount 120 includes the 100 cached; output is candidates 25 + thoughts 40.
        Assert.Equal(new TokenUsage(Input: 120, Output: 65, Cached: 100, CacheWrite: 0, Reasoning: 40), response!.Usage);
    }

    [Theory]
    [InlineData("STOP", StopReason.EndTurn)]
    [InlineData("MAX_TOKENS", StopReason.MaxTokens)]
    [InlineData("SAFETY", StopReason.ContentFilter)]
    [InlineData("RECITATION", StopReason.ContentFilter)]
    [InlineData("PROHIBITED_CONTENT", StopReason.ContentFilter)]
    [InlineData("MALFORMED_FUNCTION_CALL", StopReason.EndTurn)]
    public void ReadResponse_FinishReasons_MapToStopReasons(string finish, StopReason expected)
    {
        var body = $$$"""{"candidates":[{"content":{"parts":[{"text":"x"}],"role":"model"},"finishReason":"{{{finish}}}","index":0}],"usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":1,"totalTokenCount":2}}""";

        Assert.Equal(expected, _provider.ReadResponse(Bytes(body), out _)!.StopReason);
    }

    [Fact]
    public void ReadResponse_BlockedPrompt_IsAnEmptyContentFilteredAnswer()
    {
        var response = _provider.ReadResponse(Bytes("""{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":7,"totalTokenCount":7}}"""), out var error);

        Assert.Null(error);
        Assert.Empty(response!.Content);
        Assert.Equal(StopReason.ContentFilter, response.StopReason);
        Assert.Equal(new TokenUsage(7, 0, 0, 0, 0), response.Usage);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"candidates\":")]
    [InlineData("{\"usageMetadata\":{}}")]
    public void ReadResponse_NotAResponse_Is502(string body)
    {
        Assert.Null(_provider.ReadResponse(Bytes(body), out var error));
        Assert.Equal((GatewayErrorKind.UpstreamError, 502), (error!.Kind, error.Status));
    }

    [Fact]
    public void ReadError_GoogleEnvelope_KeepsStatusAndMessage()
    {
        var error = _provider.ReadError(429, Bytes("""{"error":{"code":429,"message":"You exceeded your current quota.","status":"RESOURCE_EXHAUSTED"}}"""));

        Assert.Equal((429, true), (error.Status, error.AllowFallback));
        Assert.Equal("Upstream returned status 429: You exceeded your current quota.", error.Message);
    }

    [Fact]
    public void ReadError_InvalidKeyAnsweredWith400_IsTheChannelsFaultNotTheClients()
    {
        var error = _provider.ReadError(400, Bytes("""
            {"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT",
             "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}
            """));

        Assert.Equal((502, "upstream_auth_failed", true), (error.Status, error.Code, error.AllowFallback));
        Assert.DoesNotContain("API key not valid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadError_Forbidden_SaysTheChannelCredentialsFailed()
    {
        var error = _provider.ReadError(403, Bytes("""{"error":{"code":403,"message":"The caller does not have permission","status":"PERMISSION_DENIED"}}"""));

        Assert.Equal((502, "upstream_auth_failed"), (error.Status, error.Code));
    }
}
