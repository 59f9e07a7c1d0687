using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Providers.AnthropicMessages;
using static Switchyard.Tests.Protocols.Anthropic.AnthropicGolden;

namespace Switchyard.Tests.Providers.Anthropic;

/// <summary>Anthropic SSE streams read into canonical events, with usage tracked as they go.</summary>
public sealed class AnthropicStreamParserTests
{
    private readonly IUpstreamStreamParser _parser = new AnthropicMessagesProvider().CreateStreamParser();

    private static string Frame(string name, string data) => $"event: {name}\ndata: {data}\n\n";

    private List<StreamEvent> Feed(string name, string data)
    {
        var events = new List<StreamEvent>();
        _parser.OnFrame(System.Text.Encoding.ASCII.GetBytes(name), Bytes(data), events);
        return events;
    }

    [Fact]
    public void OnFrame_ToolUseTranscript_GivesEveryEventInOrder()
    {
        var events = Parse(_parser, Read("stream-tool-use.upstream.txt"));

        StreamEvent[] expected =
        [
            new MessageStarted("msg_014p7gG3wDgGV9EUtLvnow3U", "claude-sonnet-4-5-20250929", new TokenUsage(472, 2, 0, 0, 0)),
            new BlockStarted(0, new TextPart("")),
            new TextDelta(0, "Checking both cities."),
            new BlockStopped(0),
            new BlockStarted(1, new ToolCallPart("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather", "")),
            new ToolArgumentsDelta(1, ""),
            new ToolArgumentsDelta(1, "{\"location\":"),
            new ToolArgumentsDelta(1, " \"San Fra"),
            new ToolArgumentsDelta(1, "ncisco, CA\"}"),
            new BlockStopped(1),
            new BlockStarted(2, new ToolCallPart("toolu_01GmzNqwJ2Rk6mYt9sBXgW8c", "get_weather", "")),
            new ToolArgumentsDelta(2, "{\"location\": \"Lima\"}"),
            new BlockStopped(2),
            new MessageDelta(StopReason.ToolUse, null, new TokenUsage(472, 89, 0, 0, 0)),
            MessageStopped.Instance,
        ];
        Assert.Equal(expected, events);
    }

    [Fact]
    public void OnFrame_ThinkingTranscript_GivesThinkingAndSignatureDeltas()
    {
        var events = Parse(_parser, Read("stream-thinking-text.upstream.txt"));

        Assert.Equal(new BlockStarted(0, new ThinkingPart("", null)), events[1]);
        Assert.Equal(new ThinkingDelta(0, "Let me solve this step by step:\n\n1. "), events[2]);
        Assert.Equal(new SignatureDelta(0, "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds+/9ZyzbrRi0sE2W7sH3Ui7ykHkEcyKXOGSmzDjfOmSGMk7sBVG/gx/H4ZdOqXkoZTfmANFPuITqvA=="), events[4]);
        Assert.Equal(new BlockStarted(1, new TextPart("")), events[6]);
        Assert.Equal(MessageStopped.Instance, events[^1]);
    }

    [Fact]
    public void Usage_CacheReadsAndWrites_AreCountedIntoInput()
    {
        Parse(_parser, Read("stream-thinking-text.upstream.txt"));

        Assert.Equal(new TokenUsage(Input: 12 + 2048 + 100, Output: 120, Cached: 2048, CacheWrite: 100, Reasoning: 0), _parser.Usage);
    }

    [Fact]
    public void Usage_FollowsTheStream_FromMessageStartToMessageDelta()
    {
        Feed("message_start", """{"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":30,"cache_read_input_tokens":5,"output_tokens":1}}}""");
        Assert.Equal(new TokenUsage(35, 1, 5, 0, 0), _parser.Usage);

        var delta = Feed("message_delta", """{"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":64}}""");

        Assert.Equal(new TokenUsage(35, 64, 5, 0, 0), _parser.Usage);
        Assert.Equal([new MessageDelta(StopReason.MaxTokens, null, new TokenUsage(35, 64, 5, 0, 0))], delta);
    }

    [Fact]
    public void Usage_MessageDeltaWithInputCounts_ReplacesThoseOfMessageStart()
    {
        Feed("message_start", """{"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":30,"output_tokens":1}}}""");

        Feed("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":40,"cache_creation_input_tokens":10,"cache_read_input_tokens":0,"output_tokens":9}}""");

        Assert.Equal(new TokenUsage(50, 9, 0, 10, 0), _parser.Usage);
    }

    [Fact]
    public void OnFrame_StopSequence_IsNamed()
    {
        var events = Feed("message_delta", """{"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"END"},"usage":{"output_tokens":3}}""");

        var delta = Assert.IsType<MessageDelta>(Assert.Single(events));
        Assert.Equal((StopReason.StopSequence, "END"), (delta.StopReason, delta.StopSequence));
    }

    [Fact]
    public void OnFrame_Ping_IsIgnored()
    {
        Assert.Empty(Feed("ping", """{"type": "ping"}"""));
    }

    [Theory]
    [InlineData("overloaded_error", 529)]
    [InlineData("rate_limit_error", 429)]
    [InlineData("api_error", 500)]
    public void OnFrame_ErrorEvent_FailsTheStreamWithTheErrorTypesStatus(string type, int status)
    {
        var events = Feed("error", $$$"""{"type":"error","error":{"type":"{{{type}}}","message":"Something broke"}}""");

        var failed = Assert.IsType<StreamFailed>(Assert.Single(events));
        Assert.Equal((GatewayErrorKind.UpstreamError, status, "Something broke"), (failed.Error.Kind, failed.Error.Status, failed.Error.Message));
    }

    [Fact]
    public void OnEnd_WithoutMessageStop_ReportsABrokenStream()
    {
        var events = Parse(_parser, Frame("message_start", """{"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":3,"output_tokens":1}}}""")
            + Frame("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""));

        var failed = Assert.IsType<StreamFailed>(events[^1]);
        Assert.Equal((GatewayErrorKind.UpstreamStreamBroken, 502), (failed.Error.Kind, failed.Error.Status));
    }

    [Fact]
    public void OnEnd_AfterMessageStop_AddsNothing()
    {
        var events = Parse(_parser, Read("stream-text.upstream.txt"));

        Assert.Equal(MessageStopped.Instance, events[^1]);
        Assert.DoesNotContain(events, e => e is StreamFailed);
    }
}
