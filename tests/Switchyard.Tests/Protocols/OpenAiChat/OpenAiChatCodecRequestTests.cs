using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.OpenAi;
using Switchyard.Providers.OpenAiCompatible;
using Switchyard.Tests.TestSupport;
using static Switchyard.Tests.Protocols.OpenAiChat.OpenAiGolden;

namespace Switchyard.Tests.Protocols.OpenAiChat;

/// <summary>OpenAI chat requests read into the canonical model: every message and part type, hoisting, merging, refusals.</summary>
public sealed class OpenAiChatCodecRequestTests
{
    private readonly OpenAiChatConverter _codec = new(Clock());

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
        return error!;
    }

    [Fact]
    public void ReadRequest_EveryMessageAndPartType_MatchesGoldenCanonical()
    {
        var request = Decode(Read("request-all-parts.json"));

        JsonAssert.Equal(Read("request-all-parts.canonical.json"), CanonicalDump.Of(request));
    }

    [Fact]
    public void ReadRequest_ThenWriteToOpenAiUpstream_KeepsEverythingButReasoning()
    {
        var request = Decode(Read("request-all-parts.json"));

        var upstream = Write(o => new OpenAiCompatibleProvider().WriteRequest(o, request, "deepseek-chat"));

        JsonAssert.Equal(Read("request-all-parts.upstream.json"), upstream);
    }

    [Fact]
    public void ReadRequest_SystemAndDeveloperAnywhere_HoistedInOrder()
    {
        var request = Decode("""
            {"model":"m","messages":[
              {"role":"system","content":"first"},
              {"role":"user","content":"hi"},
              {"role":"developer","content":[{"type":"text","text":"second"},{"type":"text","text":"third"}]},
              {"role":"assistant","content":"hello"},
              {"role":"system","content":"fourth"}]}
            """);

        Assert.Equal(["first", "second", "third", "fourth"], request.System.Select(p => p.Text));
        Assert.Equal([ChatRole.User, ChatRole.Assistant], request.Messages.Select(m => m.Role));
    }

    [Fact]
    public void ReadRequest_ToolMessagesThenUser_MergeIntoOneUserTurnInOrder()
    {
        var request = Decode("""
            {"model":"m","messages":[
              {"role":"user","content":"go"},
              {"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},{"id":"b","type":"function","function":{"name":"f","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"a","content":"A"},
              {"role":"tool","tool_call_id":"b","content":[{"type":"text","text":"B1"},{"type":"text","text":"B2"}]},
              {"role":"user","content":"next"}]}
            """);

        Assert.Equal(3, request.Messages.Count);
        var turn = request.Messages[2];
        Assert.Equal(ChatRole.User, turn.Role);
        Assert.Collection(turn.Content,
            p => Assert.Equal(("a", "A"), (((ToolResultPart)p).ToolCallId, ((TextPart)((ToolResultPart)p).Content.Single()).Text)),
            p => Assert.Equal(["B1", "B2"], ((ToolResultPart)p).Content.Cast<TextPart>().Select(t => t.Text)),
            p => Assert.Equal(new TextPart("next"), p));
    }

    [Fact]
    public void ReadRequest_AssistantReasoningContent_BecomesUnsignedThinkingFirst()
    {
        var request = Decode("""
            {"model":"m","messages":[{"role":"user","content":"q"},
              {"role":"assistant","content":"42","reasoning_content":"6 times 7","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}]}
            """);

        Assert.Equal([new ThinkingPart("6 times 7", null), new TextPart("42"), new ToolCallPart("c", "f", "{}")], request.Messages[1].Content);
    }

    [Theory]
    [InlineData("\"auto\"", ToolChoiceKind.Auto, null)]
    [InlineData("\"none\"", ToolChoiceKind.None, null)]
    [InlineData("\"required\"", ToolChoiceKind.Any, null)]
    [InlineData("""{"type":"function","function":{"name":"f"}}""", ToolChoiceKind.Tool, "f")]
    public void ReadRequest_ToolChoice_MapsToKind(string choice, ToolChoiceKind kind, string? name)
    {
        var request = Decode("""{"model":"m","messages":[],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":""" + choice + "}");

        Assert.Equal(new ToolChoice(kind, name), request.ToolChoice);
    }

    [Fact]
    public void ReadRequest_ParallelToolCallsFalseWithoutChoice_IsAutoWithParallelDisabled()
    {
        var request = Decode("""{"model":"m","messages":[],"parallel_tool_calls":false}""");

        Assert.Equal(new ToolChoice(ToolChoiceKind.Auto) { DisableParallel = true }, request.ToolChoice);
    }

    [Fact]
    public void ReadRequest_ParallelToolCallsTrueWithoutChoice_LeavesChoiceUnset()
    {
        Assert.Null(Decode("""{"model":"m","messages":[],"parallel_tool_calls":true}""").ToolChoice);
    }

    [Fact]
    public void ReadRequest_AllowedTools_OffersOnlyThoseTools()
    {
        var request = Decode("""
            {"model":"m","messages":[],
             "tools":[{"type":"function","function":{"name":"a"}},{"type":"function","function":{"name":"b"}},{"type":"function","function":{"name":"c"}}],
             "tool_choice":{"type":"allowed_tools","allowed_tools":{"mode":"required","tools":[{"type":"function","function":{"name":"a"}},{"type":"function","function":{"name":"c"}}]}}}
            """);

        Assert.Equal(["a", "c"], request.Tools.Select(t => t.Name));
        Assert.Equal(new ToolChoice(ToolChoiceKind.Any), request.ToolChoice);
    }

    [Theory]
    [InlineData("low", true)]
    [InlineData("medium", true)]
    [InlineData("high", true)]
    [InlineData("xhigh", true)]
    [InlineData("minimal", false)]
    [InlineData("none", false)]
    public void ReadRequest_ReasoningEffort_BecomesThinking(string effort, bool enabled)
    {
        var request = Decode($$"""{"model":"m","messages":[],"reasoning_effort":"{{effort}}"}""");

        Assert.Equal(new ThinkingConfig(enabled, Effort: effort), request.Thinking);
    }

    [Fact]
    public void ReadRequest_MaxTokensOnly_IsUsed()
    {
        Assert.Equal(77, Decode("""{"model":"m","messages":[],"max_tokens":77}""").MaxTokens);
    }

    [Fact]
    public void ReadRequest_StopString_IsOneSequence()
    {
        Assert.Equal(["END"], Decode("""{"model":"m","messages":[],"stop":"END"}""").StopSequences);
    }

    [Fact]
    public void ReadRequest_StreamWithoutIncludeUsage_DoesNotAskForUsage()
    {
        var request = Decode("""{"model":"m","messages":[],"stream":true,"stream_options":{"include_usage":false}}""");

        Assert.True(request.Stream);
        Assert.False(request.ClientWantsUsage);
    }

    [Fact]
    public void ReadRequest_BareBase64FileData_TakesMediaTypeFromName()
    {
        var request = Decode("""{"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{"filename":"a.pdf","file_data":"JVBERi0x"}}]}]}""");

        Assert.Equal(new DocumentPart(null, "application/pdf", "JVBERi0x", null) { Title = "a.pdf" }, request.Messages[0].Content[0]);
    }

    [Fact]
    public void ReadRequest_MalformedJson_Is400WithLineAndByte()
    {
        var error = Refuse("{\"model\":\"m\",\n\"messages\": [,]}");

        Assert.Equal((GatewayErrorKind.MalformedJson, 400), (error.Kind, error.Status));
        Assert.Contains("line 2", error.Message);
        Assert.Contains("byte", error.Message);
    }

    [Theory]
    [InlineData("""{"messages":[]}""", "model")]
    [InlineData("""{"model":"m"}""", "messages")]
    [InlineData("""{"model":"m","messages":{}}""", "messages")]
    [InlineData("""{"model":"m","messages":[{"content":"x"}]}""", "messages[0].role")]
    [InlineData("""{"model":"m","messages":[{"role":"function","name":"f","content":"x"}]}""", "messages[0].role")]
    [InlineData("""{"model":"m","messages":[{"role":"critic","content":"x"}]}""", "messages[0].role")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":42}]}""", "messages[0].content")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"video_url"}]}]}""", "messages[0].content")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]}""", "messages[0].content[0].image_url.url")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-abc"}}]}]}""", "messages[0].content[0].file")]
    [InlineData("""{"model":"m","messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"https://x"}}]}]}""", "messages[0].content")]
    [InlineData("""{"model":"m","messages":[{"role":"tool","content":"x"}]}""", "messages[0].tool_call_id")]
    [InlineData("""{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"custom","custom":{"name":"f","input":"x"}}]}]}""", "messages[0].tool_calls[0].type")]
    [InlineData("""{"model":"m","messages":[],"tools":[{"type":"custom","custom":{"name":"grammar"}}]}""", "tools")]
    [InlineData("""{"model":"m","messages":[],"tool_choice":"sometimes"}""", "tool_choice")]
    [InlineData("""{"model":"m","messages":[],"tool_choice":{"type":"function","function":{}}}""", "tool_choice")]
    [InlineData("""{"model":"m","messages":[],"tool_choice":{"type":"custom","custom":{"name":"g"}}}""", "tool_choice")]
    [InlineData("""{"model":"m","messages":[],"n":2}""", "n")]
    [InlineData("""{"model":"m","messages":[],"functions":[{"name":"f"}]}""", "functions")]
    [InlineData("""{"model":"m","messages":[],"audio":{"voice":"alloy","format":"mp3"}}""", "audio")]
    public void ReadRequest_InvalidOrUnservable_Is400NamingTheParam(string json, string param)
    {
        var error = Refuse(json);

        Assert.Equal((GatewayErrorKind.InvalidRequest, 400, param), (error.Kind, error.Status, error.Param));
    }

    [Fact]
    public void ReadRequest_InputAudio_SaysAudioCannotBeServed()
    {
        var error = Refuse("""{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"hear"},{"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}}]}]}""");

        Assert.Equal(400, error.Status);
        Assert.Contains("audio input cannot be served by this channel", error.Message);
        Assert.Contains("messages[0].content[1]", error.Message);
    }

    [Fact]
    public void ReadRequest_ModelMissing_UsesOpenAiWording()
    {
        Assert.Equal("You must provide a model parameter.", Refuse("""{"messages":[]}""").Message);
    }
}
