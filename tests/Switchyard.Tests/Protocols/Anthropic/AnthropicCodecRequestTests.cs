using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.Anthropic;
using static Switchyard.Tests.Protocols.Anthropic.AnthropicGolden;

namespace Switchyard.Tests.Protocols.Anthropic;

/// <summary>What Anthropic clients send (Claude Code, the SDKs), read into the canonical request.</summary>
public sealed class AnthropicCodecRequestTests
{
    private readonly AnthropicMessagesCodec _codec = new();

    private ChatRequest ReadOk(string json)
    {
        var request = _codec.ReadRequest(Bytes(json), out var error);
        Assert.Null(error);
        return Assert.IsType<ChatRequest>(request);
    }

    private GatewayError ReadFails(string json)
    {
        var request = _codec.ReadRequest(Bytes(json), out var error);
        Assert.Null(request);
        return Assert.IsType<GatewayError>(error);
    }

    [Fact]
    public void Name_IsAnthropicMessages() => Assert.Equal("anthropic.messages", _codec.Name);

    [Fact]
    public void ReadRequest_AllBlockTypes_BecomeTypedParts()
    {
        var request = ReadOk(Read("request-all-blocks.json"));

        Assert.Equal("claude-sonnet-4-5", request.Model);
        Assert.Equal(2048, request.MaxTokens);
        Assert.True(request.Stream);
        Assert.True(request.ClientWantsUsage);
        Assert.Equal(["END", "STOP"], request.StopSequences);
        Assert.Equal((0.5, 0.9, 40), (request.Temperature!.Value, request.TopP!.Value, request.TopK!.Value));
        Assert.Equal("user-7f3a", request.User);
        Assert.Equal(3, request.Messages.Count);

        var user = request.Messages[0];
        Assert.Equal(ChatRole.User, user.Role);
        var text = Assert.IsType<TextPart>(user.Content[0]);
        Assert.Equal("Look at these.", text.Text);
        Assert.Equal("""{"type": "ephemeral"}""", text.CacheControl!.Value.GetRawText());
        Assert.Equal(new ImagePart(null, "image/png", "iVBORw0KGgo="), user.Content[1]);
        Assert.Equal(new ImagePart("https://example.com/cat.jpg", null, null), user.Content[2]);
        var pdf = Assert.IsType<DocumentPart>(user.Content[3]);
        Assert.Null(pdf.Url);
        Assert.Null(pdf.Text);
        Assert.Equal(("application/pdf", "JVBERi0xLjQ=", "Spec"), (pdf.MediaType, pdf.Data, pdf.Title));
        Assert.Equal("https://example.com/a.pdf", Assert.IsType<DocumentPart>(user.Content[4]).Url);
        var notes = Assert.IsType<DocumentPart>(user.Content[5]);
        Assert.Equal(("plain words", "Notes"), (notes.Text, notes.Title));
        Assert.Equal("1h", notes.CacheControl!.Value.GetProperty("ttl").GetString());

        var assistant = request.Messages[1];
        Assert.Equal(ChatRole.Assistant, assistant.Role);
        Assert.Equal(new ThinkingPart("Two tools at once.", "EqQBCkYIBxgCKkD+/x9Zq3w5Yb2N4m1Jc8sRt0uVwXyZ=="), assistant.Content[0]);
        Assert.Equal(new RedactedThinkingPart("EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"), assistant.Content[1]);
        Assert.Equal("Checking both.", Assert.IsType<TextPart>(assistant.Content[2]).Text);
        Assert.Equal(new ToolCallPart("toolu_01A", "get_weather", """{"city":"Lima","units":["c","f"],"deep":{"n":1.50,"ok":true,"none":null}}"""), assistant.Content[3]);
        Assert.Equal(new ToolCallPart("toolu_01B", "get_time", "{}"), assistant.Content[4]);

        var results = request.Messages[2].Content;
        var plain = Assert.IsType<ToolResultPart>(results[0]);
        Assert.Equal(("toolu_01A", false), (plain.ToolCallId, plain.IsError));
        Assert.Equal("18°C and dry", Assert.IsType<TextPart>(Assert.Single(plain.Content)).Text);
        var blocks = Assert.IsType<ToolResultPart>(results[1]);
        Assert.Equal(2, blocks.Content.Count);
        Assert.IsType<ImagePart>(blocks.Content[1]);
        var failed = Assert.IsType<ToolResultPart>(results[2]);
        Assert.True(failed.IsError);
        Assert.Equal("Summarise.", Assert.IsType<TextPart>(results[3]).Text);

        Assert.Equal(["get_weather", "get_time"], request.Tools.Select(t => t.Name));
        Assert.Equal("Weather for a city", request.Tools[0].Description);
        Assert.Equal("string", request.Tools[0].Parameters!.Value.GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.Equal(new ToolChoice(ToolChoiceKind.Auto) { DisableParallel = true }, request.ToolChoice);
    }

    [Fact]
    public void ReadRequest_ToolUseInput_KeepsTheExactRawJsonText()
    {
        const string input = """{ "b" : [1, 2.50, "\u00e9"],"a":{} }""";
        var request = ReadOk($$"""{"model":"m","max_tokens":5,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{{input}}}]}]}""");

        Assert.Equal(input, Assert.IsType<ToolCallPart>(request.Messages[0].Content[0]).Arguments);
    }

    [Fact]
    public void ReadRequest_SystemString_IsOnePartWithoutCacheControl()
    {
        var request = ReadOk("""{"model":"m","max_tokens":5,"system":"Be brief.","messages":[{"role":"user","content":"hi"}]}""");

        var part = Assert.Single(request.System);
        Assert.Equal("Be brief.", part.Text);
        Assert.Null(part.CacheControl);
        Assert.Equal("hi", Assert.IsType<TextPart>(Assert.Single(request.Messages[0].Content)).Text);
    }

    [Fact]
    public void ReadRequest_SystemBlocks_KeepOrderAndCacheControl()
    {
        var request = ReadOk("""
            {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],
             "system":[{"type":"text","text":"one"},{"type":"text","text":"two","cache_control":{"type":"ephemeral","ttl":"5m"}}]}
            """);

        Assert.Equal(["one", "two"], request.System.Select(p => p.Text));
        Assert.Null(request.System[0].CacheControl);
        Assert.Equal("5m", request.System[1].CacheControl!.Value.GetProperty("ttl").GetString());
    }

    [Fact]
    public void ReadRequest_ClaudeCodeRequest_ParsesEveryPart()
    {
        var request = ReadOk(Read("request-claude-code.json"));

        // The "system" turn and the mid_conv_system block join the top-level system prompt, in order.
        Assert.Equal(4, request.System.Count);
        Assert.All(request.System.Take(2), p => Assert.NotNull(p.CacheControl));
        Assert.Equal("The user's shell is zsh.", request.System[2].Text);
        Assert.Equal("Keep answers short.", request.System[3].Text);
        Assert.Equal(new ThinkingConfig(true, 31999), request.Thinking);
        Assert.Equal(32000, request.MaxTokens);
        Assert.Equal(["Bash", "Read"], request.Tools.Select(t => t.Name));
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.User], request.Messages.Select(m => m.Role));
        var thinking = Assert.IsType<ThinkingPart>(request.Messages[1].Content[0]);
        Assert.Equal("ErUBCkYIBRgCIkAqOVKeGxl0SWqPi/c8Mn/vwxwX+Z0Ykq7Gmk3M8h0z2ZMDT4A8fd8TqJHdSpVxNYCBRjtuY0N0ynJx8xvnLXk=", thinking.Signature);
        Assert.Equal("""{"command": "dotnet test 2>&1 | tail -20", "timeout": 120000}""", Assert.IsType<ToolCallPart>(request.Messages[1].Content[1]).Arguments);
        var last = request.Messages[2].Content;
        Assert.Equal(2, last.Count);
        var result = Assert.IsType<ToolResultPart>(last[0]);
        Assert.StartsWith("Failed Add_TwoNumbers_ReturnsSum", Assert.IsType<TextPart>(Assert.Single(result.Content)).Text);
        Assert.NotNull(Assert.IsType<TextPart>(last[1]).CacheControl);
    }

    [Fact]
    public void ReadRequest_SystemTurnOnly_LeavesNoEmptyTurnBehind()
    {
        var request = ReadOk("""{"model":"m","max_tokens":5,"messages":[{"role":"system","content":[{"type":"text","text":"rules"}]},{"role":"user","content":"hi"}]}""");

        Assert.Equal("rules", Assert.Single(request.System).Text);
        Assert.Equal(ChatRole.User, Assert.Single(request.Messages).Role);
    }

    [Theory]
    [InlineData("""{"type":"enabled","budget_tokens":2048}""", true, 2048L)]
    [InlineData("""{"type":"adaptive"}""", true, null)]
    [InlineData("""{"type":"disabled"}""", false, null)]
    public void ReadRequest_Thinking_MapsTypeAndBudget(string thinking, bool enabled, long? budget)
    {
        var request = ReadOk($$"""{"model":"m","max_tokens":4096,"thinking":{{thinking}},"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(enabled ? new ThinkingConfig(true, budget) { Adaptive = thinking.Contains("adaptive", StringComparison.Ordinal) } : null, request.Thinking);
    }

    [Theory]
    [InlineData("""{"type":"auto"}""", ToolChoiceKind.Auto, null, false)]
    [InlineData("""{"type":"any","disable_parallel_tool_use":true}""", ToolChoiceKind.Any, null, true)]
    [InlineData("""{"type":"tool","name":"get_time"}""", ToolChoiceKind.Tool, "get_time", false)]
    [InlineData("""{"type":"none"}""", ToolChoiceKind.None, null, false)]
    public void ReadRequest_ToolChoice_MapsEveryKind(string choice, ToolChoiceKind kind, string? name, bool disableParallel)
    {
        var request = ReadOk($$$"""{"model":"m","max_tokens":5,"tools":[{"name":"get_time","input_schema":{"type":"object"}}],"tool_choice":{{{choice}}},"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(new ToolChoice(kind, name) { DisableParallel = disableParallel }, request.ToolChoice);
    }

    [Theory]
    [InlineData("web_search_20250305")]
    [InlineData("bash_20250124")]
    [InlineData("text_editor_20250728")]
    public void ReadRequest_ServerTool_Is400NamingTheToolType(string type)
    {
        var error = ReadFails($$$"""{"model":"m","max_tokens":5,"tools":[{"name":"f","input_schema":{"type":"object"}},{"type":"{{{type}}}","name":"x"}],"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal((GatewayErrorKind.InvalidRequest, 400, "tools.1"), (error.Kind, error.Status, error.Param));
        Assert.Contains(type, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRequest_MalformedJson_Is400WithLineAndByte()
    {
        var error = ReadFails("{\"model\":\"m\",\n\"max_tokens\": 5,,}");

        Assert.Equal((GatewayErrorKind.MalformedJson, 400), (error.Kind, error.Status));
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("byte ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"max_tokens":5,"messages":[]}""", "model")]
    [InlineData("""{"model":"m","max_tokens":5}""", "messages")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"tool","content":"x"}]}""", "messages.0.role")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user"}]}""", "messages.0.content")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":5}]}""", "messages.0.content")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"text":"no type"}]}]}""", "messages.0.content.0.type")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"search_result","content":[]}]}]}""", "messages.0.content.0")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image"}]}]}""", "messages.0.content.0")]
    [InlineData("""{"model":"m","max_tokens":"100","messages":[]}""", "max_tokens")]
    [InlineData("""{"model":"m","max_tokens":5,"top_k":"x","messages":[]}""", "top_k")]
    [InlineData("""{"model":"m","max_tokens":5,"temperature":"hot","messages":[]}""", "temperature")]
    [InlineData("""{"model":"m","max_tokens":5,"stop_sequences":["a",1],"messages":[]}""", "stop_sequences.1")]
    [InlineData("""{"model":"m","max_tokens":5,"system":5,"messages":[]}""", "system")]
    [InlineData("""{"model":"m","max_tokens":5,"thinking":{"type":"enabled","budget_tokens":"lots"},"messages":[]}""", "thinking.budget_tokens")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"system","content":[{"type":"image","source":{"type":"url","url":"u"}}]}]}""", "messages.0.content.0")]
    public void ReadRequest_Invalid_Is400NamingTheField(string json, string param)
    {
        var error = ReadFails(json);

        Assert.Equal((GatewayErrorKind.InvalidRequest, 400, param), (error.Kind, error.Status, error.Param));
        Assert.StartsWith(param, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRequest_NotAnObject_Is400()
    {
        var error = ReadFails("[1,2]");

        Assert.Equal((GatewayErrorKind.InvalidRequest, 400, "body"), (error.Kind, error.Status, error.Param));
    }

    [Fact]
    public void ReadRequest_NullOptionalFields_AreAbsent()
    {
        var request = ReadOk("""{"model":"m","max_tokens":5,"system":null,"temperature":null,"top_k":null,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Empty(request.System);
        Assert.Null(request.Temperature);
        Assert.Null(request.TopK);
        Assert.False(request.Stream);
    }

    [Fact]
    public void ReadRequest_CacheControlElements_OutliveTheBody()
    {
        // The body's JsonDocument is disposed when ReadRequest returns; reading a borrowed element would throw.
        var request = ReadOk("""{"model":"m","max_tokens":5,"system":[{"type":"text","text":"s","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(JsonValueKind.Object, request.System[0].CacheControl!.Value.ValueKind);
    }
}
