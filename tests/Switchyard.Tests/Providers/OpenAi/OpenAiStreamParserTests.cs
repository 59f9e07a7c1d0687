using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.OpenAi;
using Switchyard.Providers.OpenAiCompatible;
using static Switchyard.Tests.Protocols.OpenAiChat.OpenAiGolden;

namespace Switchyard.Tests.Providers.OpenAi;

/// <summary>OpenAI-compatible SSE streams (OpenAI, DeepSeek, vLLM, Qwen) read into canonical block events.</summary>
public sealed class OpenAiStreamParserTests
{
    private readonly IUpstreamStreamParser _parser = new OpenAiCompatibleProvider().CreateStreamParser();

    [Fact]
    public void Parse_PlainTextWithUsageChunk_GivesOneTextBlockThenUsage()
    {
        var events = Parse(_parser, Read("stream-text.upstream.txt"));

        StreamEvent[] expected =
        [
            new MessageStarted("chatcmpl-C3xGk1", "gpt-4o-mini-2024-07-18", null),
            new BlockStarted(0, new TextPart("")),
            new TextDelta(0, "Hello"),
            new TextDelta(0, ", world"),
            new TextDelta(0, "!"),
            new BlockStopped(0),
            new MessageDelta(StopReason.EndTurn, null, null),
            new MessageDelta(null, null, new TokenUsage(1200, 12, 1024, 0, 0)),
            MessageStopped.Instance,
        ];
        Assert.Equal(expected, events);
        Assert.Equal(new TokenUsage(1200, 12, 1024, 0, 0), _parser.Usage);
    }

    [Fact]
    public void Parse_DeepSeekReasoning_GivesThinkingBlockThenTextBlock()
    {
        var events = Parse(_parser, Read("stream-deepseek-reasoning.upstream.txt"));

        StreamEvent[] expected =
        [
            new MessageStarted("1f633d8bfc032625086f14113c411638", "deepseek-reasoner", null),
            new BlockStarted(0, new ThinkingPart("", null)),
            new ThinkingDelta(0, "9.11 vs 9.8"),
            new ThinkingDelta(0, ": compare the decimals."),
            new BlockStopped(0),
            new BlockStarted(1, new TextPart("")),
            new TextDelta(1, "9.8"),
            new TextDelta(1, " is larger."),
            new BlockStopped(1),
            new MessageDelta(StopReason.EndTurn, null, null),
            new MessageDelta(null, null, new TokenUsage(82, 95, 64, 0, 80)),
            MessageStopped.Instance,
        ];
        Assert.Equal(expected, events);
    }

    [Fact]
    public void Parse_ParallelToolCallsInPieces_GivesOneBlockPerCallInOrder()
    {
        var events = Parse(_parser, Read("stream-parallel-tools.upstream.txt"));

        StreamEvent[] expected =
        [
            new MessageStarted("chatcmpl-C3xJ9p", "gpt-4.1-2025-04-14", null),
            new BlockStarted(0, new TextPart("")),
            new TextDelta(0, "Checking both."),
            new BlockStopped(0),
            new BlockStarted(1, new ToolCallPart("call_Paris1", "get_weather", "")),
            new ToolArgumentsDelta(1, "{\"ci"),
            new ToolArgumentsDelta(1, "ty\": \"Paris\"}"),
            new BlockStopped(1),
            new BlockStarted(2, new ToolCallPart("call_Lima2", "get_weather", "")),
            new ToolArgumentsDelta(2, "{\"city\": "),
            new ToolArgumentsDelta(2, "\"Lima\"}"),
            new BlockStopped(2),
            new MessageDelta(StopReason.ToolUse, null, null),
            new MessageDelta(null, null, new TokenUsage(85, 48, 0, 0, 0)),
            MessageStopped.Instance,
        ];
        Assert.Equal(expected, events);
    }

    [Fact]
    public void Parse_UsageOnLastChoiceChunk_GivesFinishThenUsage()
    {
        var events = Parse(_parser, Read("stream-vllm-usage-on-last-choice.upstream.txt"));

        StreamEvent[] expected =
        [
            new MessageStarted("chatcmpl-9d1c2e7a4b", "Qwen/Qwen3-8B", null),
            new BlockStarted(0, new ThinkingPart("", null)),
            new ThinkingDelta(0, "A yes-or-no question."),
            new BlockStopped(0),
            new BlockStarted(1, new TextPart("")),
            new TextDelta(1, "Yes."),
            new BlockStopped(1),
            new MessageDelta(StopReason.EndTurn, null, null),
            new MessageDelta(null, null, new TokenUsage(20, 11, 0, 0, 0)),
            MessageStopped.Instance,
        ];
        Assert.Equal(expected, events);
    }

    [Fact]
    public void Parse_FinishedButNoDone_StopsNormally()
    {
        var events = Parse(_parser, Read("stream-no-done.upstream.txt"));

        Assert.Equal(new MessageDelta(StopReason.MaxTokens, null, null), events[^2]);
        Assert.Equal(MessageStopped.Instance, events[^1]);
        Assert.DoesNotContain(events, e => e is StreamFailed);
    }

    [Fact]
    public void Parse_CutBeforeFinish_FailsAsBrokenStream()
    {
        var events = Parse(_parser, Read("stream-cut.upstream.txt"));

        StreamEvent[] expected =
        [
            new MessageStarted("chatcmpl-88", "deepseek-chat", null),
            new BlockStarted(0, new TextPart("")),
            new TextDelta(0, "Partial an"),
            new StreamFailed(new GatewayError(GatewayErrorKind.UpstreamStreamBroken, 502, "The upstream stream broke before it completed.")),
        ];
        Assert.Equal(expected, events);
    }

    [Fact]
    public void Parse_ErrorChunk_FailsAndIgnoresTheRest()
    {
        var events = Parse(_parser, Read("stream-error.upstream.txt"));

        Assert.Equal(4, events.Count);
        Assert.Equal(new StreamFailed(new GatewayError(GatewayErrorKind.UpstreamError, 502,
            "The server had an error while processing your request. Sorry about that!")), events[^1]);
    }

    [Fact]
    public void Parse_ErrorChunkThroughOpenAiWriter_EndsWithErrorFrameAndNoDone()
    {
        var writer = new OpenAiChatConverter(Clock()).CreateStreamWriter(new ChatRequest { Model = "m", Messages = [], Stream = true });

        var chunks = Render(writer, Parse(_parser, Read("stream-error.upstream.txt")));

        Assert.EndsWith("data: {\"error\":{\"message\":\"The server had an error while processing your request. Sorry about that!\",\"type\":\"api_error\",\"param\":null,\"code\":null}}\n\n", chunks);
        Assert.DoesNotContain("[DONE]", chunks);
    }

    [Fact]
    public void Parse_ErrorChunkWithCode_KeepsTheCode()
    {
        var events = Parse(_parser, "data: {\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}\n\n");

        var failed = Assert.IsType<StreamFailed>(Assert.Single(events));
        Assert.Equal("rate_limit_exceeded", failed.Error.Code);
    }

    [Fact]
    public void Parse_DoneOnly_FailsAsEmptyStream()
    {
        var failed = Assert.IsType<StreamFailed>(Assert.Single(Parse(_parser, "data: [DONE]\n\n")));

        Assert.Equal(GatewayErrorKind.UpstreamStreamBroken, failed.Error.Kind);
    }

    [Fact]
    public void Parse_KeepAliveCommentsAndRepeatedUsage_AreIgnored()
    {
        const string transcript =
            ": keep-alive\n\n" +
            "data: {\"id\":\"c\",\"model\":\"qwen-plus\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":null}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}\n\n" +
            "data: {\"id\":\"c\",\"model\":\"qwen-plus\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"},\"finish_reason\":null}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}\n\n" +
            "data: {\"id\":\"c\",\"model\":\"qwen-plus\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}\n\n" +
            "data: [DONE]\n\n";

        var events = Parse(_parser, transcript);

        Assert.Equal(
            [new MessageDelta(null, null, new TokenUsage(5, 1, 0, 0, 0)), new MessageDelta(null, null, new TokenUsage(5, 2, 0, 0, 0))],
            events.OfType<MessageDelta>().Where(d => d.Usage is not null));
        Assert.Equal([new TextDelta(0, "a"), new TextDelta(0, "b")], events.OfType<TextDelta>());
    }

    [Fact]
    public void Parse_FinishReasonRepeated_GivesOneStopReason()
    {
        const string transcript =
            "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}\n\n" +
            "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}\n\n" +
            "data: [DONE]\n\n";

        var events = Parse(_parser, transcript);

        Assert.Single(events, e => e is MessageDelta { StopReason: not null });
        Assert.Single(events, e => e is MessageStopped);
    }
}
