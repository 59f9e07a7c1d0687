using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.Responses;
using Switchyard.Providers.AnthropicMessages;
using Switchyard.Providers.OpenAiCompatible;
using Switchyard.Tests.Protocols.OpenAiChat;
using Switchyard.Tests.TestSupport;
using static Switchyard.Tests.Protocols.Responses.ResponsesGolden;

namespace Switchyard.Tests.Protocols.Responses;

/// <summary>Responses requests read into the canonical model: every input item and part type, tools, options and refusals.</summary>
public sealed class ResponsesCodecRequestTests
{
    private readonly ResponsesCodec _codec = new(OpenAiGolden.Clock());

    private ChatRequest Decode(string json)
    {
        var request = _codec.ReadRequest(Bytes(json), out var error);
        Assert.True(error is null, error?.Message);
        return request!;
    }

    private GatewayError Refuse(string json)
    {
        var request = _codec.ReadRequest(Bytes(json), out var error);
        Assert.Null(request);
        Assert.Equal((GatewayErrorKind.InvalidRequest, 400), (error!.Kind, error.Status));
        return error;
    }

    [Fact]
    public void ReadRequest_EveryItemAndPartType_MatchesGoldenCanonical()
    {
        var request = Decode(Read("request-all-items.json"));

        JsonAssert.Equal(Read("request-all-items.canonical.json"), CanonicalDump.Of(request));
    }

    [Fact]
    public void ReadRequest_ThenWriteToAnthropicUpstream_GivesSignedThinkingBackByteExact()
    {
        var request = Decode(Read("request-all-items.json"));

        var upstream = OpenAiGolden.Write(o => new AnthropicMessagesProvider().WriteRequest(o, request, "claude-sonnet-4-5"));

        JsonAssert.Equal(Read("request-all-items.anthropic.json"), upstream);
    }

    [Fact]
    public void ReadRequest_ThenWriteToChatUpstream_MatchesGolden()
    {
        var request = Decode(Read("request-all-items.json"));

        var upstream = OpenAiGolden.Write(o => new OpenAiCompatibleProvider().WriteRequest(o, request, "gpt-4o"));

        JsonAssert.Equal(Read("request-all-items.chat.json"), upstream);
    }

    [Fact]
    public void ReadRequest_StringInput_IsOneUserTurn()
    {
        var request = Decode("""{"model":"m","input":"Hello","instructions":"Be brief."}""");

        Assert.Equal(["Be brief."], request.System.Select(p => p.Text));
        var turn = Assert.Single(request.Messages);
        Assert.Equal(ChatRole.User, turn.Role);
        Assert.Equal("Hello", Assert.IsType<TextPart>(Assert.Single(turn.Content)).Text);
        Assert.True(request.ClientWantsUsage);
        Assert.Null(request.Thinking);
        Assert.Null(request.ResponseFormat);
    }

    [Theory]
    [InlineData("""{"effort":"none"}""", false, "none", null)]
    [InlineData("""{"effort":"minimal","summary":"auto"}""", false, "minimal", "auto")]
    [InlineData("""{"effort":"medium","summary":"none"}""", true, "medium", null)]
    [InlineData("""{"summary":"detailed"}""", true, null, "detailed")]
    public void ReadRequest_Reasoning_EffortAndSummary(string reasoning, bool enabled, string? effort, string? summary)
    {
        var thinking = Decode($$"""{"model":"m","input":"x","reasoning":{{reasoning}}}""").Thinking!;

        Assert.Equal((enabled, effort, summary), (thinking.Enabled, thinking.Effort, thinking.Summary));
    }

    [Fact]
    public void ReadRequest_ToolChoiceForms_MapToCanonical()
    {
        Assert.Equal(new ToolChoice(ToolChoiceKind.Any), Decode("""{"model":"m","input":"x","tool_choice":"required"}""").ToolChoice);
        Assert.Equal(new ToolChoice(ToolChoiceKind.None), Decode("""{"model":"m","input":"x","tool_choice":"none"}""").ToolChoice);
        Assert.Equal(new ToolChoice(ToolChoiceKind.Tool, "f"), Decode("""{"model":"m","input":"x","tool_choice":{"type":"function","name":"f"}}""").ToolChoice);
        var allowed = Decode("""
            {"model":"m","input":"x","tools":[{"type":"function","name":"a"},{"type":"function","name":"b"}],
             "tool_choice":{"type":"allowed_tools","mode":"required","tools":[{"type":"function","name":"b"}]}}
            """);
        Assert.Equal(new ToolChoice(ToolChoiceKind.Any), allowed.ToolChoice);
        Assert.Equal(["b"], allowed.Tools.Select(t => t.Name));
    }

    [Fact]
    public void ReadRequest_JsonObjectFormat_KeptAsIs()
    {
        var format = Decode("""{"model":"m","input":"x","text":{"format":{"type":"json_object"}}}""").ResponseFormat!.Value;

        Assert.Equal("json_object", format.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("""{"model":"m","input":"x","previous_response_id":"resp_1"}""", "previous_response_id", "responses: true")]
    [InlineData("""{"model":"m","input":"x","conversation":"conv_1"}""", "conversation", "natively")]
    [InlineData("""{"model":"m","input":"x","background":true}""", "background", "natively")]
    [InlineData("""{"model":"m"}""", "input", "'input'")]
    [InlineData("""{"model":"m","input":42}""", "input", "string or array")]
    [InlineData("""{"model":"m","input":[{"type":"item_reference","id":"msg_1"}]}""", "input[0].type", "item references")]
    [InlineData("""{"model":"m","input":[{"type":"web_search_call","id":"ws_1"}]}""", "input[0].type", "'web_search_call'")]
    [InlineData("""{"model":"m","input":[{"type":"function_call_output","output":"x"}]}""", "input[0].call_id", "call_id")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_image","file_id":"file_1"}]}]}""", "input[0].content[0].image_url", "file_id")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_file","file_id":"file_1"}]}]}""", "input[0].content[0].file_data", "file_id")]
    [InlineData("""{"model":"m","input":[{"role":"developer","content":[{"type":"input_image","image_url":"https://x/y.png"}]}]}""", "input[0].content", "input_image")]
    [InlineData("""{"model":"m","input":[{"role":"tool","content":"x"}]}""", "input[0].role", "'tool'")]
    [InlineData("""{"model":"m","input":"x","tools":[{"type":"local_shell"}]}""", "tools[0].type", "'local_shell'")]
    [InlineData("""{"model":"m","input":"x","tool_choice":"sometimes"}""", "tool_choice", "'sometimes'")]
    [InlineData("""{"model":"m","input":"x","tool_choice":{"type":"web_search_preview"}}""", "tool_choice", "web_search_preview")]
    [InlineData("""{"model":"m","input":"x","text":{"format":{"type":"xml"}}}""", "text.format.type", "'xml'")]
    public void ReadRequest_Unservable_Refused400NamingTheField(string json, string param, string messagePart)
    {
        var error = Refuse(json);

        Assert.Equal(param, error.Param);
        Assert.Contains(messagePart, error.Message);
    }

    [Fact]
    public void ReadRequest_MalformedJson_Is400()
    {
        _codec.ReadRequest(Bytes("{\"model\":"), out var error);

        Assert.Equal(GatewayErrorKind.MalformedJson, error!.Kind);
    }
}
