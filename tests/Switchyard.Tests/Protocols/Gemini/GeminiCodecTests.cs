using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.Gemini;
using Switchyard.Providers.AnthropicMessages;
using Switchyard.Providers.OpenAiCompatible;
using Switchyard.Tests.Protocols.OpenAiChat;
using Switchyard.Tests.TestSupport;
using static Switchyard.Tests.Protocols.Gemini.GeminiGolden;

namespace Switchyard.Tests.Protocols.Gemini;

/// <summary>Gemini requests as Google's SDKs send them, read into canonical and written out to the other upstream families.</summary>
public sealed class GeminiCodecTests
{
    private readonly GeminiCodec _codec = new();

    /// <summary>As the relay does: the model comes from the URL.</summary>
    private ChatRequest ReadRequest(string json)
    {
        var request = _codec.ReadRequest(Bytes(json), out var error);
        Assert.Null(error);
        return request! with { Model = "gemini-2.5-flash" };
    }

    private GatewayError ReadError(string json)
    {
        Assert.Null(_codec.ReadRequest(Bytes(json), out var error));
        return error!;
    }

    [Fact]
    public void ReadRequest_EveryPartAndSetting_GivesTheGoldenCanonicalRequest()
    {
        var request = ReadRequest(Read("request-sdk-all-parts.json"));

        JsonAssert.Equal(Read("request-sdk-all-parts.canonical.json"), CanonicalDump.Of(request));
    }

    [Fact]
    public void ReadRequest_ToOpenAiUpstream_GivesTheGoldenChatBody()
    {
        var request = ReadRequest(Read("request-sdk-all-parts.json"));

        JsonAssert.Equal(Read("request-sdk-all-parts.openai.json"), Write(o => new OpenAiCompatibleProvider().WriteRequest(o, request, "gpt-4o")));
    }

    [Fact]
    public void ReadRequest_ToAnthropicUpstream_GivesTheGoldenMessagesBody()
    {
        var request = ReadRequest(Read("request-sdk-all-parts.json"));

        JsonAssert.Equal(Read("request-sdk-all-parts.anthropic.json"), Write(o => new AnthropicMessagesProvider().WriteRequest(o, request, "claude-sonnet-4-5")));
    }

    [Fact]
    public void ReadRequest_ResponsesWithIds_PairWithTheCallsOfTheSameId()
    {
        var request = ReadRequest("""
            {"contents":[
              {"role":"model","parts":[{"functionCall":{"id":"a1","name":"f","args":{}}},{"functionCall":{"id":"a2","name":"f","args":{}}}]},
              {"role":"user","parts":[{"functionResponse":{"id":"a2","name":"f","response":{"x":1}}},{"functionResponse":{"id":"a1","name":"f","response":{"x":2}}}]}]}
            """);

        var results = request.Messages[1].Content.Cast<ToolResultPart>().ToList();
        Assert.Equal(["a2", "a1"], results.Select(r => r.ToolCallId));
        Assert.Equal("{\"x\":1}", ((TextPart)results[0].Content[0]).Text);
    }

    [Theory]
    [InlineData("""{"thinkingBudget":0,"includeThoughts":true}""", null)]
    [InlineData("""{"thinkingBudget":-1}""", "enabled:")]
    [InlineData("""{"includeThoughts":true}""", "enabled:")]
    [InlineData("""{"thinkingLevel":"HIGH"}""", "enabled:high")]
    [InlineData("""{"thinkingBudget":512}""", "enabled:512")]
    public void ReadRequest_ThinkingConfig_BudgetZeroIsOffAndALevelIsAnEffort(string config, string? expected)
    {
        var request = ReadRequest($$$"""{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"thinkingConfig":{{{config}}}}}""");

        var actual = request.Thinking is { } thinking ? $"enabled:{thinking.BudgetTokens?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? thinking.Effort}" : null;
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("""{"contents":"hi"}""", "contents")]
    [InlineData("""{"contents":[{"role":"system","parts":[{"text":"x"}]}]}""", "contents[0].role")]
    [InlineData("""{"contents":[],"generationConfig":{"maxOutputTokens":"many"}}""", "generationConfig.maxOutputTokens")]
    [InlineData("""{"contents":[],"generationConfig":{"temperature":"hot"}}""", "generationConfig.temperature")]
    [InlineData("""{"contents":[],"generationConfig":{"candidateCount":2}}""", "generationConfig.candidateCount")]
    [InlineData("""{"contents":[],"tools":[{"googleSearch":{}}]}""", "tools[0].googleSearch")]
    [InlineData("""{"contents":[{"role":"model","parts":[{"executableCode":{"code":"print(1)"}}]}]}""", "contents[0].parts[0]")]
    [InlineData("""{"contents":[],"cachedContent":"cachedContents/abc"}""", "cachedContent")]
    public void ReadRequest_WhatOnlyGeminiCanServeOrWhatIsMistyped_Is400NamingTheField(string json, string field)
    {
        var error = ReadError(json);

        Assert.Equal((GatewayErrorKind.InvalidRequest, 400, field), (error.Kind, error.Status, error.Param));
    }

    [Fact]
    public void WriteResponse_ThinkingTextAndCalls_GiveTheGoldenGeminiBody()
    {
        var response = new ChatResponse("chatcmpl-9x", "gpt-4o-2024-08-06",
            [new ThinkingPart("Weighing it.", "sig"), new TextPart("Checking."), new ToolCallPart("call_abc", "get_weather", """{"city":"Paris"}""")],
            StopReason.ToolUse, new TokenUsage(Input: 120, Output: 65, Cached: 100, CacheWrite: 0, Reasoning: 40));

        JsonAssert.Equal(Read("response-from-canonical.json"), Write(o => _codec.WriteResponse(o, response)));
    }

    [Theory]
    [InlineData(StopReason.EndTurn, "STOP")]
    [InlineData(StopReason.StopSequence, "STOP")]
    [InlineData(StopReason.MaxTokens, "MAX_TOKENS")]
    [InlineData(StopReason.ContentFilter, "SAFETY")]
    public void WriteResponse_StopReasons_AreGeminiFinishReasons(StopReason reason, string finish)
    {
        var body = Write(o => _codec.WriteResponse(o, new ChatResponse("r", "m", [new TextPart("x")], reason, default)));

        Assert.Contains($"\"finishReason\":\"{finish}\"", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400, "INVALID_ARGUMENT")]
    [InlineData(401, "UNAUTHENTICATED")]
    [InlineData(403, "PERMISSION_DENIED")]
    [InlineData(404, "NOT_FOUND")]
    [InlineData(429, "RESOURCE_EXHAUSTED")]
    [InlineData(500, "INTERNAL")]
    [InlineData(502, "UNAVAILABLE")]
    [InlineData(503, "UNAVAILABLE")]
    [InlineData(504, "DEADLINE_EXCEEDED")]
    public void WriteError_IsGooglesEnvelopeWithTheRpcStatus(int status, string name)
    {
        var body = Write(o => _codec.WriteError(o, new GatewayError(GatewayErrorKind.UpstreamError, status, "It's broken.")));

        JsonAssert.Equal($$$"""{"error":{"code":{{{status}}},"message":"It's broken.","status":"{{{name}}}"}}""", body);
        Assert.True(GeminiErrors.Matches(Bytes(body)));
    }

    [Theory]
    [InlineData("""{"error":{"message":"x","type":"invalid_request_error"}}""")]
    [InlineData("""{"type":"error","error":{"type":"api_error","message":"x","status":"x"}}""")]
    [InlineData("not json")]
    public void ErrorShape_OtherProtocolsBodies_AreNotGoogles(string body) => Assert.False(GeminiErrors.Matches(Bytes(body)));

    [Fact]
    public void StreamWriter_AnthropicThinkingStream_GivesTheGoldenGeminiChunks()
    {
        var events = Parse(new AnthropicMessagesProvider().CreateStreamParser(), Anthropic.AnthropicGolden.Read("stream-thinking-text.upstream.txt"));

        Assert.Equal(Read("stream-from-anthropic-thinking.client.txt"), Render(_codec.CreateStreamWriter(new ChatRequest { Model = "m", Messages = [] }), events).Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Contains("\r\n\r\n", Render(_codec.CreateStreamWriter(new ChatRequest { Model = "m", Messages = [] }), events), StringComparison.Ordinal);
    }

    [Fact]
    public void StreamWriter_OpenAiParallelToolsStream_GivesOneChunkPerWholeCall()
    {
        var events = Parse(new OpenAiCompatibleProvider().CreateStreamParser(), OpenAiChat.OpenAiGolden.Read("stream-parallel-tools.upstream.txt"));

        Assert.Equal(Read("stream-from-openai-tools.client.txt"), Render(_codec.CreateStreamWriter(new ChatRequest { Model = "m", Messages = [] }), events).Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void StreamWriter_Failure_EndsWithGooglesErrorChunkOnce()
    {
        StreamEvent[] events =
        [
            new MessageStarted("r1", "m", null),
            new BlockStarted(0, new TextPart("")),
            new TextDelta(0, "Hel"),
            new StreamFailed(new GatewayError(GatewayErrorKind.UpstreamStreamBroken, 502, "The upstream stream broke before it completed.")),
            new StreamFailed(new GatewayError(GatewayErrorKind.UpstreamStreamBroken, 502, "again")),
            MessageStopped.Instance,
        ];

        var transcript = Render(_codec.CreateStreamWriter(new ChatRequest { Model = "m", Messages = [] }), events);

        Assert.Equal("""
            data: {"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"},"index":0}],"modelVersion":"m","responseId":"r1"}

            data: {"error":{"code":502,"message":"The upstream stream broke before it completed.","status":"UNAVAILABLE"}}


            """.Replace("\n", "\r\n", StringComparison.Ordinal), transcript);
    }
}
