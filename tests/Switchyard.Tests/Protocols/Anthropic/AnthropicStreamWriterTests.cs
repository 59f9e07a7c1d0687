using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.Anthropic;
using Switchyard.Providers.AnthropicMessages;
using static Switchyard.Tests.Protocols.Anthropic.AnthropicGolden;

namespace Switchyard.Tests.Protocols.Anthropic;

/// <summary>Canonical stream events rendered as Anthropic's exact SSE sequence, compared as text.</summary>
public sealed class AnthropicStreamWriterTests
{
    private static readonly ChatRequest Request = new() { Model = "m", Messages = [], Stream = true };

    private readonly AnthropicMessagesCodec _codec = new();

    private string Render(params StreamEvent[] events) => AnthropicGolden.Render(_codec.CreateStreamWriter(Request), events);

    private static int Occurrences(string text, string value) => text.Split(value).Length - 1;

    /// <summary>Anthropic upstream → canonical events → Anthropic client: the client sees what the upstream sent.</summary>
    [Theory]
    [InlineData("stream-text")]
    [InlineData("stream-thinking-text")]
    [InlineData("stream-tool-use")]
    [InlineData("stream-error")]
    public void Write_AnthropicUpstreamEvents_GiveTheExactClientTranscript(string name)
    {
        var events = Parse(new AnthropicMessagesProvider().CreateStreamParser(), Read(name + ".upstream.txt"));

        Assert.Equal(Read(name + ".client.txt"), Render([.. events]));
    }

    [Theory]
    [InlineData("stream-text")]
    [InlineData("stream-thinking-text")]
    public void Write_Transcript_EveryEventPassesTheOfficialSdkValidation(string name)
    {
        // ping is not a RawMessageStreamEvent: the SDKs skip it before parsing.
        foreach (var line in Read(name + ".client.txt").Split('\n')
            .Where(l => l.StartsWith("data: ", StringComparison.Ordinal) && !l.Contains("\"type\":\"ping\"", StringComparison.Ordinal)))
        {
            JsonSerializer.Deserialize<global::Anthropic.Models.Messages.RawMessageStreamEvent>(line["data: ".Length..])!.Validate();
        }
    }

    [Fact]
    public void Write_UpstreamWithoutUsageAtStart_MessageStartCarriesTheInputEstimate()
    {
        var request = new ChatRequest { Model = "m", Messages = [new ChatMessage(ChatRole.User, [new TextPart("What is the weather in Paris this weekend?")])], Stream = true };
        var sse = AnthropicGolden.Render(_codec.CreateStreamWriter(request),
        [
            new MessageStarted("chatcmpl-9x", "gpt-4o", null),
            new MessageDelta(StopReason.EndTurn, null, new TokenUsage(Input: 14, Output: 3, Cached: 0, CacheWrite: 0, Reasoning: 0)),
            MessageStopped.Instance,
        ]);

        var frames = sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(f => JsonDocument.Parse(f.Split("\ndata: ")[1]).RootElement).ToList();
        var estimate = global::Switchyard.Billing.TokenEstimator.Estimate(request);
        Assert.True(estimate > 0);
        Assert.Equal(estimate, frames[0].GetProperty("message").GetProperty("usage").GetProperty("input_tokens").GetInt64());
        var delta = frames.Single(f => f.GetProperty("type").GetString() == "message_delta").GetProperty("usage");
        Assert.Equal((14, 3), (delta.GetProperty("input_tokens").GetInt64(), delta.GetProperty("output_tokens").GetInt64()));
    }

    [Fact]
    public void Write_UpstreamUsageAtStart_MessageStartKeepsTheUpstreamsCount()
    {
        var request = new ChatRequest { Model = "m", Messages = [new ChatMessage(ChatRole.User, [new TextPart("What is the weather in Paris this weekend?")])], Stream = true };
        var sse = AnthropicGolden.Render(_codec.CreateStreamWriter(request),
        [
            new MessageStarted("msg_1", "claude", new TokenUsage(Input: 42, Output: 1, Cached: 0, CacheWrite: 0, Reasoning: 0)),
            MessageStopped.Instance,
        ]);

        Assert.Contains("\"input_tokens\":42", sse.Split("\n\n")[0]);
    }

    [Fact]
    public void Write_OpenAiEventOrder_PutsLateUsageIntoMessageDelta()
    {
        var sse = Render(
            new MessageStarted("chatcmpl-9x", "gpt-4o-2024-08-06", null),
            new BlockStarted(0, new TextPart("")),
            new TextDelta(0, "Hi"),
            new TextDelta(0, " there"),
            new MessageDelta(StopReason.EndTurn, null, null),
            new MessageDelta(null, null, new TokenUsage(Input: 30, Output: 7, Cached: 10, CacheWrite: 0, Reasoning: 0)),
            MessageStopped.Instance);

        Assert.Equal(Read("stream-openai-order.client.txt"), sse);
    }

    [Fact]
    public void Write_DeltasWithoutStartsAndSparseIndices_OpenBlocksNumberedFromZero()
    {
        var sse = Render(
            new MessageStarted("gen-42", "qwen-max", null),
            new ThinkingDelta(4, "hm"),
            new TextDelta(7, "A"),
            new BlockStarted(9, new ToolCallPart("call_1", "lookup", "")),
            new ToolArgumentsDelta(9, """{"q":1}"""),
            new BlockStopped(9),
            new BlockStopped(9),
            new MessageDelta(StopReason.StopSequence, "END", new TokenUsage(5, 3, 0, 0, 0)),
            MessageStopped.Instance);

        Assert.Equal(Read("stream-implicit-blocks.client.txt"), sse);
    }

    [Fact]
    public void Write_NoMessageStarted_StillBeginsWithMessageStartAndPing()
    {
        var sse = Render(new TextDelta(0, "x"), MessageStopped.Instance);

        Assert.StartsWith("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_", sse);
        Assert.Contains("\n\nevent: ping\ndata: {\"type\":\"ping\"}\n\nevent: content_block_start\n", sse);
        Assert.EndsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", sse);
        Assert.Contains("\"stop_reason\":\"end_turn\"", sse);
    }

    [Fact]
    public void Write_ErrorMidStream_IsOneErrorEventAndNothingAfter()
    {
        var sse = Render(
            new MessageStarted("msg_1", "m", null),
            new TextDelta(0, "Hi"),
            new StreamFailed(new GatewayError(GatewayErrorKind.UpstreamError, 429, "Slow down.")),
            new StreamFailed(new GatewayError(GatewayErrorKind.UpstreamStreamBroken, 502, "The upstream stream broke before it completed.")),
            new TextDelta(0, "late"),
            MessageStopped.Instance);

        Assert.EndsWith("""
            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

            event: error
            data: {"type":"error","error":{"type":"rate_limit_error","message":"Slow down."}}


            """.ReplaceLineEndings("\n"), sse);
        Assert.Equal(1, Occurrences(sse, "event: error\n"));
        Assert.DoesNotContain("message_stop", sse);
        Assert.DoesNotContain("late", sse);
    }

    [Fact]
    public void Write_EventsAfterMessageStop_AreIgnored()
    {
        var sse = Render(new MessageStarted("msg_1", "m", null), MessageStopped.Instance, new TextDelta(0, "late"), MessageStopped.Instance);

        Assert.Equal(1, Occurrences(sse, "event: message_stop\n"));
        Assert.DoesNotContain("late", sse);
        Assert.EndsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", sse);
    }

    [Fact]
    public void Write_RedactedThinkingBlock_StartsWithItsData()
    {
        var sse = Render(
            new MessageStarted("msg_1", "m", null),
            new BlockStarted(0, new RedactedThinkingPart("EmwKAhgBEgy3")),
            new BlockStopped(0),
            MessageStopped.Instance);

        Assert.Contains("""
            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking","data":"EmwKAhgBEgy3"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}
            """.ReplaceLineEndings("\n"), sse);
    }
}
