using System.Text.Json;
using Switchyard.Contracts.Canonical;
using Switchyard.Providers.OpenAiCompatible;
using Switchyard.Tests.TestSupport;
using static Switchyard.Tests.Protocols.OpenAiChat.OpenAiGolden;

namespace Switchyard.Tests.Providers.OpenAi;

/// <summary>Canonical requests (as an Anthropic client sends them) written for OpenAI-compatible upstreams.</summary>
public sealed class OpenAiProviderRequestTests
{
    private readonly OpenAiCompatibleProvider _provider = new();

    private static JsonElement? Ephemeral => JsonDocument.Parse("""{"type":"ephemeral"}""").RootElement;

    private JsonElement Body(ChatRequest request, OpenAiCompatibleProvider? provider = null) =>
        JsonDocument.Parse(Write(o => (provider ?? _provider).WriteRequest(o, request, "m"))).RootElement;

    private static ChatRequest Minimal(params ChatMessage[] messages) => new() { Model = "claude", Messages = messages };

    /// <summary>A Claude Code-like conversation: cached system blocks, signed thinking, parallel tool use, tool results with an image.</summary>
    private static ChatRequest AnthropicTurns() => new()
    {
        Model = "claude-sonnet-4-5",
        System = [new TextPart("You are Claude Code.") { CacheControl = Ephemeral }, new TextPart("Working directory: /repo")],
        Messages =
        [
            new ChatMessage(ChatRole.User,
            [
                new TextPart("Fix the failing test."),
                new DocumentPart(null, "text/plain", null, "def add(a, b):\n    return a - b\n") { Title = "main.py" },
                new TextPart(""),
            ]),
            new ChatMessage(ChatRole.Assistant,
            [
                new ThinkingPart("I should read the file.", "EqQBCgIYAhIM1gbcDa9GJwZA"),
                new RedactedThinkingPart("EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"),
                new TextPart("Reading the file and the screen."),
                new ToolCallPart("toolu_01", "Read", """{"path":"main.py"}"""),
                new ToolCallPart("toolu_02", "Screenshot", ""),
                new ToolCallPart("toolu_03", "Bash", """{"command":"pytest"}"""),
            ]),
            new ChatMessage(ChatRole.User,
            [
                new ToolResultPart("toolu_01", [new TextPart("line 1"), new TextPart("line 2")], IsError: false),
                new ToolResultPart("toolu_02",
                [
                    new TextPart("Captured the terminal."),
                    new ImagePart(null, "image/png", "iVBORw0KGgo="),
                    new DocumentPart(null, "application/pdf", "JVBERi0xLjcK", null) { Title = "trace.pdf" },
                ], IsError: false),
                new ToolResultPart("toolu_03", [new TextPart("exit status 1")], IsError: true),
                new TextPart("Keep going."),
                new ImagePart("https://example.com/diagram.png", null, null),
            ]),
            new ChatMessage(ChatRole.Assistant, [new ThinkingPart("Nothing to say yet.", "c2ln")]),
            new ChatMessage(ChatRole.User, [new TextPart("Done?")]),
        ],
        Tools =
        [
            new ToolDefinition("Read", "Read a file", JsonDocument.Parse("""{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}""").RootElement),
            new ToolDefinition("Screenshot", null, null),
            new ToolDefinition("Bash", "Run a command", JsonDocument.Parse("""{"type":"object","properties":{"command":{"type":"string"}}}""").RootElement),
        ],
        ToolChoice = new ToolChoice(ToolChoiceKind.Tool, "Read") { DisableParallel = true },
        MaxTokens = 16000,
        Temperature = 1,
        TopK = 40,
        User = "session-42",
        Thinking = new ThinkingConfig(true, BudgetTokens: 4000),
    };

    [Fact]
    public void WriteRequest_AnthropicTurns_MatchesGolden()
    {
        var body = Write(o => _provider.WriteRequest(o, AnthropicTurns(), "qwen3-coder-plus"));

        JsonAssert.Equal(Read("provider-anthropic-turns.upstream.json"), body);
    }

    [Fact]
    public void WriteRequest_SignedAndRedactedThinking_NeverReachTheUpstream()
    {
        var body = Write(o => _provider.WriteRequest(o, AnthropicTurns(), "m"));

        Assert.DoesNotContain("I should read the file.", body);
        Assert.DoesNotContain("EqQBCgIYAhIM1gbcDa9GJwZA", body);
        Assert.DoesNotContain("EmwKAhgBEgy3va3pzix", body);
        Assert.DoesNotContain("reasoning_content", body);
        Assert.DoesNotContain("top_k", body);
    }

    [Fact]
    public void WriteRequest_Streaming_AlwaysAsksForUsage()
    {
        var body = Body(Minimal(new ChatMessage(ChatRole.User, [new TextPart("hi")])) with { Stream = true, ClientWantsUsage = false });

        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.True(body.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }

    [Fact]
    public void WriteRequest_NotStreaming_HasNoStreamFields()
    {
        var body = Body(Minimal(new ChatMessage(ChatRole.User, [new TextPart("hi")])));

        Assert.False(body.TryGetProperty("stream", out _));
        Assert.False(body.TryGetProperty("stream_options", out _));
    }

    [Theory]
    [InlineData(ToolChoiceKind.Auto, null, false, "\"auto\"", null)]
    [InlineData(ToolChoiceKind.None, null, false, "\"none\"", null)]
    [InlineData(ToolChoiceKind.Any, null, true, "\"required\"", false)]
    [InlineData(ToolChoiceKind.Tool, "f", true, """{"type":"function","function":{"name":"f"}}""", false)]
    public void WriteRequest_ToolChoice_MapsToOpenAi(ToolChoiceKind kind, string? name, bool disableParallel, string expected, bool? parallel)
    {
        var request = Minimal() with
        {
            Tools = [new ToolDefinition("f", null, null)],
            ToolChoice = new ToolChoice(kind, name) { DisableParallel = disableParallel },
        };

        var body = Body(request);

        JsonAssert.Equal(expected, body.GetProperty("tool_choice").GetRawText());
        Assert.Equal(parallel, body.TryGetProperty("parallel_tool_calls", out var p) ? p.GetBoolean() : null);
    }

    [Fact]
    public void WriteRequest_NoTools_SendsNoToolChoice()
    {
        var body = Body(Minimal() with { ToolChoice = new ToolChoice(ToolChoiceKind.Auto) { DisableParallel = true } });

        Assert.False(body.TryGetProperty("tools", out _));
        Assert.False(body.TryGetProperty("tool_choice", out _));
        Assert.False(body.TryGetProperty("parallel_tool_calls", out _));
    }

    [Theory]
    [InlineData(1024L, null, "low")]
    [InlineData(2048L, null, "low")]
    [InlineData(2049L, null, "medium")]
    [InlineData(8192L, null, "medium")]
    [InlineData(8193L, null, "high")]
    [InlineData(null, "xhigh", "xhigh")]
    [InlineData(32000L, "low", "low")]
    [InlineData(null, null, "high")]
    public void WriteRequest_EnabledThinking_SendsReasoningEffort(long? budget, string? effort, string expected)
    {
        var body = Body(Minimal() with { Thinking = new ThinkingConfig(true, budget, effort) }, new OpenAiCompatibleProvider { DeriveReasoningEffortFromBudget = true });

        Assert.Equal(expected, body.GetProperty("reasoning_effort").GetString());
    }

    [Fact]
    public void WriteRequest_BudgetOnlyByDefault_SendsNoReasoningEffort()
    {
        var body = Body(Minimal() with { Thinking = new ThinkingConfig(true, 4000) });

        Assert.False(body.TryGetProperty("reasoning_effort", out _));
    }

    [Fact]
    public void WriteRequest_DisabledThinking_SendsNoReasoningEffort()
    {
        var body = Body(Minimal() with { Thinking = new ThinkingConfig(false, Effort: "none") });

        Assert.False(body.TryGetProperty("reasoning_effort", out _));
    }

    [Fact]
    public void WriteRequest_ReasoningEffortSwitchedOff_SendsNone()
    {
        var body = Body(Minimal() with { Thinking = new ThinkingConfig(true, 4000) }, new OpenAiCompatibleProvider { SendReasoningEffort = false });

        Assert.False(body.TryGetProperty("reasoning_effort", out _));
    }

    [Fact]
    public void WriteRequest_UserTurnOfOnlyToolResults_IsToolMessagesOnly()
    {
        var body = Body(Minimal(
            new ChatMessage(ChatRole.Assistant, [new ToolCallPart("a", "f", "{}")]),
            new ChatMessage(ChatRole.User, [new ToolResultPart("a", [new TextPart("ok")], false), new TextPart("")])));

        var messages = body.GetProperty("messages");
        Assert.Equal(2, messages.GetArrayLength());
        JsonAssert.Equal("""{"role":"tool","tool_call_id":"a","content":"ok"}""", messages[1].GetRawText());
    }

    [Fact]
    public void WriteRequest_ResponseFormatAndStops_PassThrough()
    {
        var format = JsonDocument.Parse("""{"type":"json_object"}""").RootElement;

        var body = Body(Minimal() with { ResponseFormat = format, StopSequences = ["###"], TopP = 0.5 });

        JsonAssert.Equal("""{"type":"json_object"}""", body.GetProperty("response_format").GetRawText());
        JsonAssert.Equal("""["###"]""", body.GetProperty("stop").GetRawText());
        Assert.Equal(0.5, body.GetProperty("top_p").GetDouble());
    }

    [Fact]
    public void AddHeaders_Key_IsBearer()
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "https://api.example.com/v1/chat/completions");

        _provider.AddHeaders(message, "sk-test");

        Assert.Equal("Bearer sk-test", message.Headers.Authorization!.ToString());
    }

    [Fact]
    public void AddHeaders_NoKey_SendsNoAuthorization()
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "http://localhost:8000/v1/chat/completions");

        _provider.AddHeaders(message, null);

        Assert.Null(message.Headers.Authorization);
    }

    [Fact]
    public void RequestPath_IsChatCompletions()
    {
        Assert.Equal("chat/completions", _provider.RequestPath(Minimal()));
        Assert.Equal("openai", _provider.Name);
    }
}
