using System.Text.Json;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.Anthropic;
using Switchyard.Providers.AnthropicMessages;
using Switchyard.Tests.TestSupport;
using static Switchyard.Tests.Protocols.Anthropic.AnthropicGolden;

namespace Switchyard.Tests.Providers.Anthropic;

/// <summary>Canonical requests written as Anthropic Messages bodies, and the headers that go with them.</summary>
public sealed class AnthropicProviderRequestTests
{
    private const string UpstreamModel = "claude-sonnet-4-5-20250929";

    private readonly AnthropicMessagesProvider _provider = new();
    private readonly AnthropicMessagesCodec _codec = new();

    private ChatRequest ReadClient(string json)
    {
        var request = _codec.ReadRequest(Bytes(json), out var error);
        Assert.Null(error);
        return request!;
    }

    private string WriteBody(ChatRequest request) => Write(o => _provider.WriteRequest(o, request, UpstreamModel));

    private static ChatRequest Minimal(params ChatMessage[] messages) => new() { Model = "m", Messages = messages };

    [Fact]
    public void NameAndPath_AreAnthropicMessages()
    {
        Assert.Equal("anthropic", _provider.Name);
        Assert.Equal("messages", _provider.RequestPath(Minimal()));
    }

    [Fact]
    public void WriteRequest_JsonSchemaResponseFormat_BecomesOutputConfigFormat()
    {
        var request = Minimal(new ChatMessage(ChatRole.User, [new TextPart("route me")])) with
        {
            MaxTokens = 100,
            ResponseFormat = JsonDocument.Parse("""{"type":"json_schema","json_schema":{"name":"verdict","schema":{"type":"object","properties":{"score":{"type":"integer"}},"required":["score"]}}}""").RootElement,
        };

        using var body = JsonDocument.Parse(WriteBody(request));

        var format = body.RootElement.GetProperty("output_config").GetProperty("format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        Assert.Equal("""{"type":"object","properties":{"score":{"type":"integer"}},"required":["score"]}""", format.GetProperty("schema").GetRawText());
    }

    [Fact]
    public void WriteRequest_JsonObjectResponseFormat_WritesNoOutputConfig()
    {
        var request = Minimal(new ChatMessage(ChatRole.User, [new TextPart("hi")])) with
        {
            MaxTokens = 100,
            ResponseFormat = JsonDocument.Parse("""{"type":"json_object"}""").RootElement,
        };

        using var body = JsonDocument.Parse(WriteBody(request));

        Assert.False(body.RootElement.TryGetProperty("output_config", out _));
    }

    [Fact]
    public void AddHeaders_Key_SendsApiKeyAndDefaultVersion()
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/messages");

        _provider.AddHeaders(message, "sk-ant-channel");

        Assert.Equal(["sk-ant-channel"], message.Headers.GetValues("x-api-key"));
        Assert.Equal(["2023-06-01"], message.Headers.GetValues("anthropic-version"));
        Assert.Null(message.Headers.Authorization);
    }

    [Fact]
    public void AddHeaders_NoKey_SendsOnlyTheVersion()
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/messages");

        _provider.AddHeaders(message, null);

        Assert.False(message.Headers.Contains("x-api-key"));
        Assert.True(message.Headers.Contains("anthropic-version"));
    }

    [Fact]
    public void WriteRequest_AllBlockTypesReadFromAnAnthropicClient_ReproduceTheBody()
    {
        var body = WriteBody(ReadClient(Read("request-all-blocks.json")));

        JsonAssert.Equal(Read("request-all-blocks.upstream.json"), body);
    }

    [Fact]
    public void WriteRequest_SignedThinkingAndToolInput_ComeBackByteExact()
    {
        var body = WriteBody(ReadClient(Read("request-all-blocks.json")));

        var assistant = JsonDocument.Parse(body).RootElement.GetProperty("messages")[1].GetProperty("content");
        Assert.Equal("EqQBCkYIBxgCKkD+/x9Zq3w5Yb2N4m1Jc8sRt0uVwXyZ==", assistant[0].GetProperty("signature").GetString());
        Assert.Contains("\"signature\":\"EqQBCkYIBxgCKkD+/x9Zq3w5Yb2N4m1Jc8sRt0uVwXyZ==\"", body, StringComparison.Ordinal);
        Assert.Equal("EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP", assistant[1].GetProperty("data").GetString());
        Assert.Equal("""{"city":"Lima","units":["c","f"],"deep":{"n":1.50,"ok":true,"none":null}}""", assistant[3].GetProperty("input").GetRawText());
    }

    [Fact]
    public void WriteRequest_ClaudeCodeRequest_KeepsSystemBlocksCacheControlAndSignature()
    {
        var body = JsonDocument.Parse(WriteBody(ReadClient(Read("request-claude-code.json")))).RootElement;

        var system = body.GetProperty("system");
        Assert.Equal(4, system.GetArrayLength());
        JsonAssert.Equal("""{"type":"ephemeral"}""", system[0].GetProperty("cache_control").GetRawText());
        Assert.Equal("The user's shell is zsh.", system[2].GetProperty("text").GetString());
        JsonAssert.Equal("""{"type":"enabled","budget_tokens":31999}""", body.GetProperty("thinking").GetRawText());
        Assert.Equal(32000, body.GetProperty("max_tokens").GetInt64());
        Assert.True(body.GetProperty("stream").GetBoolean());
        var messages = body.GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());
        var thinking = messages[1].GetProperty("content")[0];
        Assert.Equal("ErUBCkYIBRgCIkAqOVKeGxl0SWqPi/c8Mn/vwxwX+Z0Ykq7Gmk3M8h0z2ZMDT4A8fd8TqJHdSpVxNYCBRjtuY0N0ynJx8xvnLXk=", thinking.GetProperty("signature").GetString());
        Assert.Equal("I should run the tests first.", thinking.GetProperty("thinking").GetString());
        JsonAssert.Equal("""{"command":"dotnet test 2>&1 | tail -20","timeout":120000}""", messages[1].GetProperty("content")[1].GetProperty("input").GetRawText());
        var result = messages[2].GetProperty("content")[0];
        Assert.Equal("Failed Add_TwoNumbers_ReturnsSum\nExpected: 4\nActual:   0", result.GetProperty("content").GetString());
        JsonAssert.Equal("""{"type":"ephemeral"}""", messages[2].GetProperty("content")[1].GetProperty("cache_control").GetRawText());
    }

    [Fact]
    public void WriteRequest_OtherFamilysConversation_DropsUnsignedThinkingAndEmptyText()
    {
        var request = new ChatRequest
        {
            Model = "gpt-style",
            System = [new TextPart("Be helpful."), new TextPart("")],
            Messages =
            [
                new(ChatRole.User, [new TextPart("What is in this picture?"), new TextPart(""), new ImagePart("https://example.com/cat.png", null, null)]),
                new(ChatRole.Assistant,
                [
                    new ThinkingPart("reasoning from another family", null),
                    new ThinkingPart("also unsigned", ""),
                    new TextPart("Let me zoom."),
                    new ToolCallPart("call_1", "zoom", """{"level": 2}"""),
                    new ToolCallPart("call_2", "zoom", "not json"),
                ]),
                new(ChatRole.User,
                [
                    new ToolResultPart("call_1", [new TextPart("a cat")], false),
                    new ToolResultPart("call_2", [new TextPart("")], true),
                ]),
                new(ChatRole.Assistant, [new ThinkingPart("only unsigned reasoning", null), new TextPart("")]),
                new(ChatRole.User, [new TextPart("And?")]),
            ],
            Tools =
            [
                new ToolDefinition("zoom", "Zoom in", JsonDocument.Parse("""{"type":"object","properties":{"level":{"type":"integer"}}}""").RootElement),
                new ToolDefinition("noop", null, null),
            ],
            ToolChoice = new ToolChoice(ToolChoiceKind.Auto) { DisableParallel = true },
            User = "alice",
        };

        JsonAssert.Equal(Read("request-cross-family.upstream.json"), WriteBody(request));
    }

    [Theory]
    [InlineData(false, null, null, 2000L, null, 2000L)]
    [InlineData(false, null, null, null, null, 4096L)]
    [InlineData(true, "low", null, 8000L, 1024L, 8000L)]
    [InlineData(true, "medium", null, null, 4096L, 8192L)]
    [InlineData(true, "high", null, 20000L, 16384L, 20000L)]
    [InlineData(true, "high", null, 16384L, 16384L, 20480L)]
    [InlineData(true, null, 2048L, 1000L, 2048L, 6144L)]
    [InlineData(true, "high", 3000L, 10000L, 3000L, 10000L)]
    public void WriteRequest_MaxTokensAndThinkingBudget_KeepMaxAboveBudget(bool thinking, string? effort, long? budget, long? maxTokens,
        long? expectedBudget, long expectedMax)
    {
        var request = Minimal(new ChatMessage(ChatRole.User, [new TextPart("hi")])) with
        {
            MaxTokens = maxTokens,
            Thinking = thinking ? new ThinkingConfig(true, budget, effort) : null,
        };

        var body = JsonDocument.Parse(WriteBody(request)).RootElement;

        Assert.Equal(expectedMax, body.GetProperty("max_tokens").GetInt64());
        if (expectedBudget is { } b)
        {
            JsonAssert.Equal($$"""{"type":"enabled","budget_tokens":{{b}}}""", body.GetProperty("thinking").GetRawText());
            Assert.True(body.GetProperty("max_tokens").GetInt64() > b);
        }
        else
        {
            Assert.False(body.TryGetProperty("thinking", out _));
        }
    }

    [Theory]
    [InlineData(ToolChoiceKind.Auto, null, false, """{"type":"auto"}""")]
    [InlineData(ToolChoiceKind.Any, null, true, """{"type":"any","disable_parallel_tool_use":true}""")]
    [InlineData(ToolChoiceKind.Tool, "zoom", true, """{"type":"tool","name":"zoom","disable_parallel_tool_use":true}""")]
    [InlineData(ToolChoiceKind.None, null, true, """{"type":"none"}""")]
    public void WriteRequest_ToolChoice_MapsEveryKind(ToolChoiceKind kind, string? name, bool disableParallel, string expected)
    {
        var request = Minimal(new ChatMessage(ChatRole.User, [new TextPart("hi")])) with
        {
            Tools = [new ToolDefinition("zoom", null, null)],
            ToolChoice = new ToolChoice(kind, name) { DisableParallel = disableParallel },
        };

        JsonAssert.Equal(expected, JsonDocument.Parse(WriteBody(request)).RootElement.GetProperty("tool_choice").GetRawText());
    }

    [Fact]
    public void WriteRequest_SystemWithCacheControl_IsWrittenAsBlocks()
    {
        var cache = JsonDocument.Parse("""{"type":"ephemeral"}""").RootElement;
        var request = Minimal(new ChatMessage(ChatRole.User, [new TextPart("hi")])) with { System = [new TextPart("rules") { CacheControl = cache }] };

        var body = JsonDocument.Parse(WriteBody(request)).RootElement;

        JsonAssert.Equal("""[{"type":"text","text":"rules","cache_control":{"type":"ephemeral"}}]""", body.GetProperty("system").GetRawText());
    }

    [Fact]
    public void WriteRequest_SamplingAndStream_AreWrittenWhenSet()
    {
        var request = Minimal(new ChatMessage(ChatRole.User, [new TextPart("hi")])) with
        {
            Temperature = 0.2,
            TopP = 0.95,
            TopK = 5,
            StopSequences = ["\n\nHuman:"],
            Stream = true,
        };

        var body = JsonDocument.Parse(WriteBody(request)).RootElement;

        JsonAssert.Equal("""
            {"model":"claude-sonnet-4-5-20250929","max_tokens":4096,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],
             "stop_sequences":["\n\nHuman:"],"temperature":0.2,"top_p":0.95,"top_k":5,"stream":true}
            """, body.GetRawText());
    }
}
