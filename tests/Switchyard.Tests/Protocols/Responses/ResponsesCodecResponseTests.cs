using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.Responses;
using Switchyard.Tests.Protocols.OpenAiChat;
using Switchyard.Tests.TestSupport;
using static Switchyard.Tests.Protocols.Responses.ResponsesGolden;

namespace Switchyard.Tests.Protocols.Responses;

/// <summary>Canonical answers written as Response objects: item kinds and ids, echoed settings, statuses, usage and errors.</summary>
public sealed class ResponsesCodecResponseTests
{
    private readonly ResponsesCodec _codec = new(OpenAiGolden.Clock());

    /// <summary>What an Anthropic upstream answers to a thinking request that calls two tools.</summary>
    internal static readonly ChatResponse AnthropicAnswer = new("msg_01XFDUDYJgAACzvnptvVoYEL", "claude-sonnet-4-5",
    [
        new ThinkingPart("The user wants weather in two cities.", "EqQBCgIYAhIM"),
        new TextPart("Let me check "),
        new TextPart("both cities."),
        new ToolCallPart("toolu_01A", "get_weather", """{"city": "Paris"}"""),
        new ToolCallPart("toolu_01B", "get_weather", """{"city": "Lima"}"""),
    ], StopReason.ToolUse, new TokenUsage(2095, 503, 1800, 250, 0));

    internal static ChatRequest Request(ResponsesCodec codec) =>
        codec.ReadRequest(Bytes(Read("request-all-items.json")), out _)!;

    private JsonElement Answer(ChatResponse response, ChatRequest? request = null) => JsonDocument.Parse(OpenAiGolden.Write(o =>
        _codec.WriteResponse(o, response, request ?? new ChatRequest { Model = "m", Messages = [] }))).RootElement;

    [Fact]
    public void WriteResponse_ThinkingTextAndToolCalls_MatchesGolden()
    {
        var written = OpenAiGolden.Write(o => _codec.WriteResponse(o, AnthropicAnswer, Request(_codec)));

        JsonAssert.Equal(Read("response-thinking-tools.client.json"), written);
    }

    [Fact]
    public void WriteResponse_EncryptedContent_ReadBackAsTheSameSignedThinking()
    {
        var item = Answer(AnthropicAnswer).GetProperty("output")[0];

        Assert.Equal(new ThinkingPart("The user wants weather in two cities.", "EqQBCgIYAhIM"), ReasoningEnvelope.Read(item));
    }

    [Fact]
    public void WriteResponse_NoSummaryAsked_ReasoningItemKeepsOnlyEncryptedContent()
    {
        var item = Answer(AnthropicAnswer).GetProperty("output")[0];

        Assert.Equal(0, item.GetProperty("summary").GetArrayLength());
        Assert.StartsWith(ReasoningEnvelope.Prefix, item.GetProperty("encrypted_content").GetString());
    }

    [Fact]
    public void WriteResponse_UnsignedReasoning_HasNoEncryptedContent()
    {
        var item = Answer(new ChatResponse("chatcmpl-1", "deepseek-reasoner", [new ThinkingPart("hmm", null), new TextPart("Hi.")], StopReason.EndTurn, default))
            .GetProperty("output")[0];

        Assert.Equal("reasoning", item.GetProperty("type").GetString());
        Assert.False(item.TryGetProperty("encrypted_content", out _));
    }

    [Fact]
    public void WriteResponse_RedactedThinking_RoundTrips()
    {
        var item = Answer(new ChatResponse("msg_1", "claude", [new RedactedThinkingPart("EmwKAhgB"), new TextPart("Hi.")], StopReason.EndTurn, default))
            .GetProperty("output")[0];

        Assert.Equal(new RedactedThinkingPart("EmwKAhgB"), ReasoningEnvelope.Read(item));
    }

    [Theory]
    [InlineData(StopReason.MaxTokens, "incomplete", "max_output_tokens")]
    [InlineData(StopReason.ContentFilter, "incomplete", "content_filter")]
    [InlineData(StopReason.EndTurn, "completed", null)]
    [InlineData(StopReason.StopSequence, "completed", null)]
    public void WriteResponse_StopReason_StatusAndIncompleteDetails(StopReason reason, string status, string? incomplete)
    {
        var answer = Answer(new ChatResponse("chatcmpl-abc", "gpt-4o", [new TextPart("Hi")], reason, new TokenUsage(3, 1, 0, 0, 0)));

        Assert.Equal(status, answer.GetProperty("status").GetString());
        var details = answer.GetProperty("incomplete_details");
        Assert.Equal(incomplete, details.ValueKind == JsonValueKind.Null ? null : details.GetProperty("reason").GetString());
    }

    [Fact]
    public void WriteResponse_Ids_DerivedFromUpstreamId()
    {
        var answer = Answer(new ChatResponse("chatcmpl-abc", "gpt-4o", [new TextPart("Hi")], StopReason.EndTurn, default));

        Assert.Equal("resp_abc", answer.GetProperty("id").GetString());
        Assert.Equal("msg_abc_0", answer.GetProperty("output")[0].GetProperty("id").GetString());
    }

    [Fact]
    public void WriteError_IsOpenAiShape()
    {
        var written = OpenAiGolden.Write(o => _codec.WriteError(o, new GatewayError(GatewayErrorKind.InvalidRequest, 400, "Bad.") { Param = "input" }));

        JsonAssert.Equal("""{"error":{"message":"Bad.","type":"invalid_request_error","param":"input","code":null}}""", written);
    }
}
