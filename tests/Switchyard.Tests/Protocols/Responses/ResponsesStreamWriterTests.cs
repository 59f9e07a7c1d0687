using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.Responses;
using Switchyard.Tests.Protocols.OpenAiChat;
using static Switchyard.Tests.Protocols.Responses.ResponsesGolden;

namespace Switchyard.Tests.Protocols.Responses;

/// <summary>Canonical stream events rendered as the Responses API's typed events, exact to the byte.</summary>
public sealed class ResponsesStreamWriterTests
{
    private readonly ResponsesCodec _codec = new(OpenAiGolden.Clock());

    /// <summary>What the Anthropic parser makes of a message with thinking, text and two tool_use blocks.</summary>
    internal static readonly StreamEvent[] AnthropicLikeEvents =
    [
        new MessageStarted("msg_01XFDUDYJgAACzvnptvVoYEL", "claude-sonnet-4-5", new TokenUsage(2095, 1, 1800, 250, 0)),
        new BlockStarted(0, new ThinkingPart("", null)),
        new ThinkingDelta(0, "The user wants "),
        new ThinkingDelta(0, "weather in two cities."),
        new SignatureDelta(0, "EqQBCgIYAhIM"),
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

    private string Render(ChatRequest request, IEnumerable<StreamEvent> events) => OpenAiGolden.Render(_codec.CreateStreamWriter(request), events);

    private static List<(string Event, JsonElement Data)> Frames(string transcript) =>
        transcript.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(frame =>
        {
            var lines = frame.Split('\n');
            return (lines[0]["event: ".Length..], JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement);
        }).ToList();

    [Fact]
    public void Write_AnthropicLikeSequenceWithSummary_MatchesGoldenEvents()
    {
        var request = ResponsesCodecResponseTests.Request(_codec);

        Assert.Equal(Read("stream-thinking-tools.client.txt"), Render(request, AnthropicLikeEvents));
    }

    [Fact]
    public void Write_EveryEvent_NamedLikeItsTypeAndNumberedFromZero()
    {
        var frames = Frames(Render(ResponsesCodecResponseTests.Request(_codec), AnthropicLikeEvents));

        Assert.All(frames, f => Assert.Equal(f.Event, f.Data.GetProperty("type").GetString()));
        Assert.Equal(Enumerable.Range(0, frames.Count), frames.Select(f => f.Data.GetProperty("sequence_number").GetInt32()));
    }

    [Fact]
    public void Write_NoSummaryAsked_ReasoningItemWithoutSummaryEvents()
    {
        var frames = Frames(Render(new ChatRequest { Model = "claude", Messages = [], Stream = true }, AnthropicLikeEvents));

        Assert.DoesNotContain(frames, f => f.Event.StartsWith("response.reasoning_summary", StringComparison.Ordinal));
        var reasoning = frames.First(f => f.Event == "response.output_item.done").Data.GetProperty("item");
        Assert.Equal(0, reasoning.GetProperty("summary").GetArrayLength());
        Assert.Equal(new ThinkingPart("The user wants weather in two cities.", "EqQBCgIYAhIM"), ReasoningEnvelope.Read(reasoning));
    }

    [Fact]
    public void Write_StopAtMaxTokens_EndsWithResponseIncomplete()
    {
        StreamEvent[] events =
        [
            new MessageStarted("chatcmpl-7", "gpt-4o", null),
            new BlockStarted(0, new TextPart("")),
            new TextDelta(0, "Hel"),
            new BlockStopped(0),
            new MessageDelta(StopReason.MaxTokens, null, new TokenUsage(5, 1, 0, 0, 0)),
            MessageStopped.Instance,
        ];

        var last = Frames(Render(new ChatRequest { Model = "gpt-4o", Messages = [], Stream = true }, events))[^1];

        Assert.Equal("response.incomplete", last.Event);
        Assert.Equal("max_output_tokens", last.Data.GetProperty("response").GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal(5, last.Data.GetProperty("response").GetProperty("usage").GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public void Write_StreamFailed_EndsWithResponseFailedAndNothingAfter()
    {
        StreamEvent[] events =
        [
            new MessageStarted("msg_1", "claude", new TokenUsage(7, 1, 0, 0, 0)),
            new BlockStarted(0, new TextPart("")),
            new TextDelta(0, "Hel"),
            new StreamFailed(new GatewayError(GatewayErrorKind.UpstreamError, 529, "Overloaded")),
            new BlockStopped(0),
            MessageStopped.Instance,
        ];

        var frames = Frames(Render(new ChatRequest { Model = "claude", Messages = [], Stream = true }, events));

        var last = frames[^1];
        Assert.Equal("response.failed", last.Event);
        var response = last.Data.GetProperty("response");
        Assert.Equal("failed", response.GetProperty("status").GetString());
        Assert.Equal("server_error", response.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("Overloaded", response.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(7, response.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.DoesNotContain(frames, f => f.Event == "response.completed");
    }

    [Fact]
    public void Write_StoppedWithBlocksOpen_ClosesThemBeforeCompleted()
    {
        StreamEvent[] events =
        [
            new MessageStarted("msg_1", "claude", null),
            new BlockStarted(0, new TextPart("")),
            new TextDelta(0, "Hi"),
            MessageStopped.Instance,
        ];

        var names = Frames(Render(new ChatRequest { Model = "claude", Messages = [], Stream = true }, events)).Select(f => f.Event).ToList();

        Assert.Equal(["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
            "response.output_text.delta", "response.output_text.done", "response.content_part.done", "response.output_item.done",
            "response.completed"], names);
    }
}
