using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.Anthropic;
using Switchyard.Providers.OpenAiResponses;
using Switchyard.Tests.Protocols.OpenAiChat;
using Switchyard.Tests.TestSupport;
using static Switchyard.Tests.Protocols.Responses.ResponsesGolden;

namespace Switchyard.Tests.Providers.Responses;

/// <summary>The Responses API as an upstream: request bodies from canonical, Response objects, event streams and errors.</summary>
public sealed class ResponsesProviderTests
{
    private readonly ResponsesProvider _provider = new();

    private static string AnthropicFixture(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "Anthropic", name)).ReplaceLineEndings("\n");

    [Fact]
    public void WriteRequest_EveryAnthropicBlock_MatchesGolden()
    {
        var request = new AnthropicMessagesCodec().ReadRequest(Bytes(AnthropicFixture("request-all-blocks.json")), out var error);
        Assert.Null(error);

        var body = OpenAiGolden.Write(o => _provider.WriteRequest(o, request!, "o4-mini"));

        JsonAssert.Equal(Read("request-all-blocks.responses-upstream.json"), body);
    }

    [Fact]
    public void WriteRequest_EffortAndFormat_ReasoningWithSummaryAndFlatTextFormat()
    {
        var format = JsonDocument.Parse("""{"type":"json_schema","json_schema":{"name":"plan","schema":{"type":"object"},"strict":true}}""").RootElement;
        var request = new ChatRequest
        {
            Model = "m",
            Messages = [new ChatMessage(ChatRole.User, [new TextPart("hi")])],
            MaxTokens = 4,
            Thinking = new ThinkingConfig(true, Effort: "high"),
            ResponseFormat = format,
            Stream = true,
        };

        var body = JsonDocument.Parse(OpenAiGolden.Write(o => _provider.WriteRequest(o, request, "o4-mini"))).RootElement;

        Assert.Equal("high", body.GetProperty("reasoning").GetProperty("effort").GetString());
        Assert.Equal("auto", body.GetProperty("reasoning").GetProperty("summary").GetString());
        JsonAssert.Equal("""{"type":"json_schema","name":"plan","schema":{"type":"object"},"strict":true}""", body.GetProperty("text").GetProperty("format").GetRawText());
        Assert.Equal(16, body.GetProperty("max_output_tokens").GetInt32());
        Assert.False(body.GetProperty("store").GetBoolean());
        Assert.True(body.GetProperty("stream").GetBoolean());
    }

    [Fact]
    public void ReadResponse_ReasoningTextAndCall_ToCanonicalWithUsage()
    {
        var body = Bytes("""
            {"id":"resp_1","object":"response","created_at":1,"status":"completed","error":null,"incomplete_details":null,"model":"o4-mini",
             "output":[
               {"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"A"},{"type":"summary_text","text":"B"}],"encrypted_content":"gAAAA"},
               {"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Hi.","annotations":[]}]},
               {"id":"fc_1","type":"function_call","status":"completed","call_id":"call_1","name":"f","arguments":"{\"a\":1}"}],
             "usage":{"input_tokens":20,"input_tokens_details":{"cached_tokens":8},"output_tokens":12,"output_tokens_details":{"reasoning_tokens":5},"total_tokens":32}}
            """);

        var response = _provider.ReadResponse(body, out var error)!;

        Assert.Null(error);
        Assert.Equal(("resp_1", "o4-mini", StopReason.ToolUse), (response.Id, response.Model, response.StopReason));
        Assert.Equal(new ThinkingPart("A\n\nB", null), response.Content[0]);
        Assert.Equal(new TextPart("Hi."), response.Content[1]);
        Assert.Equal(new ToolCallPart("call_1", "f", "{\"a\":1}"), response.Content[2]);
        Assert.Equal(new TokenUsage(20, 12, 8, 0, 5), response.Usage);
    }

    [Theory]
    [InlineData("max_output_tokens", StopReason.MaxTokens)]
    [InlineData("content_filter", StopReason.ContentFilter)]
    public void ReadResponse_Incomplete_StopReasonFromDetails(string reason, StopReason expected)
    {
        var response = _provider.ReadResponse(Bytes($$$"""
            {"id":"resp_1","object":"response","status":"incomplete","incomplete_details":{"reason":"{{{reason}}}"},"model":"m",
             "output":[{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"output_text","text":"Hel"}]}],
             "usage":{"input_tokens":3,"output_tokens":16}}
            """), out _)!;

        Assert.Equal(expected, response.StopReason);
    }

    [Fact]
    public void ReadResponse_Failed_IsRetryableUpstreamError()
    {
        var response = _provider.ReadResponse(Bytes("""
            {"id":"resp_1","object":"response","status":"failed","error":{"code":"server_error","message":"Boom."},"model":"m","output":[]}
            """), out var error);

        Assert.Null(response);
        Assert.Equal((GatewayErrorKind.UpstreamError, 502, "Boom.", true), (error!.Kind, error.Status, error.Message, error.AllowFallback));
    }

    [Fact]
    public void ReadResponse_NotAResponse_Is502()
    {
        Assert.Null(_provider.ReadResponse(Bytes("""{"object":"chat.completion"}"""), out var error));
        Assert.Equal(502, error!.Status);
    }

    [Fact]
    public void Parser_ReasoningTextAndCall_CanonicalBlocksAndUsage()
    {
        var parser = _provider.CreateStreamParser();

        var events = OpenAiGolden.Parse(parser, Read("stream-reasoning-tools.upstream.txt"));

        StreamEvent[] expected =
        [
            new MessageStarted("resp_68a1", "o4-mini-2025-04-16", null),
            new BlockStarted(0, new ThinkingPart("", null)),
            new ThinkingDelta(0, "**Checking weather**"),
            new ThinkingDelta(0, "\n\n"),
            new ThinkingDelta(0, "Two cities."),
            new BlockStopped(0),
            new BlockStarted(1, new TextPart("")),
            new TextDelta(1, "Checking "),
            new TextDelta(1, "both."),
            new BlockStopped(1),
            new BlockStarted(2, new ToolCallPart("call_Paris", "get_weather", "")),
            new ToolArgumentsDelta(2, "{\"city\":"),
            new ToolArgumentsDelta(2, "\"Paris\"}"),
            new BlockStopped(2),
            new MessageDelta(StopReason.ToolUse, null, new TokenUsage(2095, 503, 1792, 0, 384)),
            MessageStopped.Instance,
        ];
        Assert.Equal(expected, events);
        Assert.Equal(new TokenUsage(2095, 503, 1792, 0, 384), parser.Usage);
    }

    [Fact]
    public void Parser_CutBeforeCompleted_FailsAsBroken()
    {
        var transcript = Read("stream-reasoning-tools.upstream.txt");
        var cut = transcript[..transcript.IndexOf("event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\",\"sequence_number\":19", StringComparison.Ordinal)];

        var events = OpenAiGolden.Parse(_provider.CreateStreamParser(), cut);

        Assert.Equal(GatewayErrorKind.UpstreamStreamBroken, Assert.IsType<StreamFailed>(events[^1]).Error.Kind);
        Assert.DoesNotContain(events, e => e is MessageStopped);
    }

    [Fact]
    public void Parser_ResponseFailed_FailsWithItsErrorAndReadsNothingAfter()
    {
        var parser = _provider.CreateStreamParser();

        var events = OpenAiGolden.Parse(parser, """
            event: response.created
            data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","model":"m","output":[]}}

            event: response.failed
            data: {"type":"response.failed","sequence_number":1,"response":{"id":"resp_1","object":"response","status":"failed","error":{"code":"rate_limit_exceeded","message":"Slow down."},"model":"m","output":[],"usage":{"input_tokens":7,"output_tokens":0}}}

            event: response.completed
            data: {"type":"response.completed","sequence_number":2,"response":{"id":"resp_1","status":"completed","output":[]}}


            """.ReplaceLineEndings("\n"));

        var failed = Assert.IsType<StreamFailed>(events[^1]);
        Assert.Equal((GatewayErrorKind.RateLimited, 429, "Slow down."), (failed.Error.Kind, failed.Error.Status, failed.Error.Message));
        Assert.DoesNotContain(events, e => e is MessageStopped);
        Assert.Equal(7, parser.Usage.Input);
    }

    [Fact]
    public void Parser_ErrorEvent_FailsWithItsMessage()
    {
        var events = OpenAiGolden.Parse(_provider.CreateStreamParser(), """
            event: error
            data: {"type":"error","sequence_number":0,"code":"server_error","message":"Internal.","param":null}


            """.ReplaceLineEndings("\n"));

        Assert.Equal("Internal.", Assert.IsType<StreamFailed>(Assert.Single(events)).Error.Message);
    }

    [Fact]
    public void ReadError_UpstreamKeyRejected_Is502AndNeverEchoesTheKey()
    {
        var error = _provider.ReadError(401, Bytes("""{"error":{"message":"Incorrect API key provided: sk-proj-abc.","type":"invalid_request_error","code":"invalid_api_key"}}"""));

        Assert.Equal((502, "upstream_auth_failed"), (error.Status, error.Code));
        Assert.DoesNotContain("sk-proj", error.Message);
    }
}
