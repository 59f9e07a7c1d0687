using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Providers.Gemini;
using static Switchyard.Tests.Protocols.Gemini.GeminiGolden;

namespace Switchyard.Tests.Providers.Gemini;

/// <summary>Gemini SSE transcripts (CRLF-framed, as Google sends them) read into canonical events.</summary>
public sealed class GeminiStreamParserTests
{
    private readonly IUpstreamStreamParser _parser = new GeminiProvider().CreateStreamParser();

    [Fact]
    public void OnFrame_ThoughtsThenText_GiveAThinkingBlockThenATextBlockEndedAtTheClose()
    {
        var events = Parse(_parser, ReadCrlf("stream-thinking-text.upstream.txt"));

        var final = new TokenUsage(Input: 9, Output: 17 + 504, Cached: 4, CacheWrite: 0, Reasoning: 504);
        StreamEvent[] expected =
        [
            new MessageStarted("Xa0taPz9Bq2Wz7IPq8HY8A4", "gemini-2.5-flash", new TokenUsage(9, 0, 0, 0, 0)),
            new BlockStarted(0, new ThinkingPart("", null)),
            new ThinkingDelta(0, "**Weighing the question**\n\nThe user wants a haiku."),
            new BlockStopped(0),
            new BlockStarted(1, new TextPart("")),
            new TextDelta(1, "Autumn moonlight—"),
            new TextDelta(1, "\na worm digs silently\ninto the chestnut."),
            new BlockStopped(1),
            new MessageDelta(StopReason.EndTurn, null, final),
            MessageStopped.Instance,
        ];
        Assert.Equal(expected, events);
        Assert.Equal(final, _parser.Usage);
    }

    [Fact]
    public void OnFrame_WholeFunctionCalls_EachBecomeAToolBlockAndTheStopIsToolUse()
    {
        var events = Parse(_parser, ReadCrlf("stream-function-calls.upstream.txt"));

        StreamEvent[] expected =
        [
            new MessageStarted("fc1", "gemini-2.5-flash", new TokenUsage(61, 0, 0, 0, 0)),
            new BlockStarted(0, new TextPart("")),
            new TextDelta(0, "Checking both cities."),
            new BlockStopped(0),
            new BlockStarted(1, new ToolCallPart("call_fc1_0", "get_weather", "")),
            new ToolArgumentsDelta(1, """{"city": "Paris"}"""),
            new BlockStopped(1),
            new BlockStarted(2, new ToolCallPart("call_fc1_1", "get_weather", "")),
            new ToolArgumentsDelta(2, """{"city": "Lima"}"""),
            new BlockStopped(2),
            new MessageDelta(StopReason.ToolUse, null, new TokenUsage(61, 14, 0, 0, 0)),
            MessageStopped.Instance,
        ];
        Assert.Equal(expected, events);
    }

    [Fact]
    public void OnEnd_WithoutAFinishReason_ReportsABrokenStreamAndKeepsTheUsageSeen()
    {
        var events = Parse(_parser, ReadCrlf("stream-cut.upstream.txt"));

        var failed = Assert.IsType<StreamFailed>(events[^1]);
        Assert.Equal(GatewayErrorKind.UpstreamStreamBroken, failed.Error.Kind);
        Assert.DoesNotContain(events, e => e is MessageStopped);
        Assert.Equal(new TokenUsage(5, 0, 0, 0, 0), _parser.Usage);
    }

    [Fact]
    public void OnFrame_ErrorChunk_FailsOnceWithGooglesCode()
    {
        var events = Parse(_parser, ReadCrlf("stream-error.upstream.txt"));

        var failed = Assert.Single(events.OfType<StreamFailed>());
        Assert.Equal((GatewayErrorKind.UpstreamError, 503, "The model is overloaded. Please try again later."), (failed.Error.Kind, failed.Error.Status, failed.Error.Message));
        Assert.IsType<StreamFailed>(events[^1]);
    }

    [Fact]
    public void OnFrame_MalformedChunk_IsSkipped()
    {
        var events = Parse(_parser, "data: {not json\r\n\r\n" + ReadCrlf("stream-function-calls.upstream.txt"));

        Assert.Equal(MessageStopped.Instance, events[^1]);
        Assert.IsType<MessageStarted>(events[0]);
    }
}
