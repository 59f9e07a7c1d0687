using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.OpenAi;
using static Switchyard.Tests.Protocols.OpenAiChat.OpenAiGolden;

namespace Switchyard.Tests.Protocols.OpenAiChat;

/// <summary>Canonical stream events (in the order an Anthropic upstream gives them) rendered as exact OpenAI chunks.</summary>
public sealed class OpenAiChatStreamWriterTests
{
    private readonly OpenAiChatConverter _codec = new(Clock());

    /// <summary>What the Anthropic parser makes of a message with thinking, text and two tool_use blocks.</summary>
    private static readonly StreamEvent[] AnthropicLikeEvents =
    [
        new MessageStarted("msg_01XFDUDYJgAACzvnptvVoYEL", "claude-sonnet-4-5", new TokenUsage(2095, 1, 1800, 250, 0)),
        new BlockStarted(0, new ThinkingPart("", null)),
        new ThinkingDelta(0, "The user wants "),
        new ThinkingDelta(0, "weather in two cities."),
        new SignatureDelta(0, "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"),
        new BlockStopped(0),
        new BlockStarted(1, new TextPart("")),
        new TextDelta(1, "Let me check "),
        new TextDelta(1, "both cities."),
        new BlockStopped(1),
        new BlockStarted(2, new ToolCallPart("toolu_01A", "get_weather", "")),
        new ToolArgumentsDelta(2, ""),
        new ToolArgumentsDelta(2, "{\"city\":"),
        new ToolArgumentsDelta(2, " \"Paris\"}"),
        new BlockStopped(2),
        new BlockStarted(3, new ToolCallPart("toolu_01B", "get_weather", "")),
        new ToolArgumentsDelta(3, "{\"city\": \"Lima\"}"),
        new BlockStopped(3),
        new MessageDelta(StopReason.ToolUse, null, null),
        new MessageDelta(null, null, new TokenUsage(2095, 503, 1800, 250, 0)),
        MessageStopped.Instance,
    ];

    private string Render(bool clientWantsUsage, IEnumerable<StreamEvent> events) =>
        OpenAiGolden.Render(_codec.CreateStreamWriter(new ChatRequest { Model = "claude", Messages = [], Stream = true, ClientWantsUsage = clientWantsUsage }), events);

    [Fact]
    public void Write_AnthropicLikeSequenceWithUsage_MatchesGoldenChunks()
    {
        Assert.Equal(Read("stream-writer.usage.client.txt"), Render(clientWantsUsage: true, AnthropicLikeEvents));
    }

    [Fact]
    public void Write_AnthropicLikeSequenceWithoutUsage_MatchesGoldenChunks()
    {
        Assert.Equal(Read("stream-writer.no-usage.client.txt"), Render(clientWantsUsage: false, AnthropicLikeEvents));
    }

    [Fact]
    public void Write_StreamFailed_WritesErrorFrameAndNoDone()
    {
        StreamEvent[] events =
        [
            new MessageStarted("msg_1", "claude", null),
            new BlockStarted(0, new TextPart("")),
            new TextDelta(0, "Hel"),
            new StreamFailed(new GatewayError(GatewayErrorKind.UpstreamError, 502, "Overloaded")),
            new MessageDelta(StopReason.EndTurn, null, null),
            MessageStopped.Instance,
        ];

        var chunks = Render(clientWantsUsage: true, events);

        Assert.EndsWith("data: {\"error\":{\"message\":\"Overloaded\",\"type\":\"api_error\",\"param\":null,\"code\":null}}\n\n", chunks);
        Assert.DoesNotContain("[DONE]", chunks);
        Assert.DoesNotContain("finish_reason\":\"stop", chunks);
    }

    [Fact]
    public void Write_StoppedWithoutStopReason_StillSendsFinishReasonBeforeDone()
    {
        var chunks = Render(clientWantsUsage: false, [new MessageStarted("msg_1", "claude", null), MessageStopped.Instance]);

        var frames = chunks.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, frames.Length);
        Assert.Contains("\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"", frames[1]);
        Assert.Equal("data: [DONE]", frames[2]);
    }

    [Fact]
    public void Write_MessageStoppedTwice_SendsOneDone()
    {
        var chunks = Render(clientWantsUsage: false, [new MessageStarted("m", "c", null), new MessageDelta(StopReason.EndTurn, null, null), MessageStopped.Instance, MessageStopped.Instance]);

        Assert.Equal(2, chunks.Split("[DONE]").Length);
    }

    [Fact]
    public void Write_UsageOnlyFromMessageStart_IsReported()
    {
        var chunks = Render(clientWantsUsage: true, [new MessageStarted("m", "c", new TokenUsage(7, 1, 0, 0, 0)), new MessageDelta(StopReason.EndTurn, null, null), MessageStopped.Instance]);

        Assert.Contains("\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":1,\"total_tokens\":8,", chunks);
    }
}
