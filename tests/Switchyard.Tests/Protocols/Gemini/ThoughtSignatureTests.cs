using System.Text.Json;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.Anthropic;
using Switchyard.Protocols.Gemini;
using Switchyard.Protocols.OpenAi;
using Switchyard.Protocols.Responses;
using Switchyard.Providers.Gemini;
using Switchyard.Tests.Protocols.OpenAiChat;
using Switchyard.Tests.TestSupport;
using static Switchyard.Tests.Protocols.Gemini.GeminiGolden;

namespace Switchyard.Tests.Protocols.Gemini;

/// <summary>
/// Gemini's thoughtSignature through clients of every protocol: a Gemini 2.5/3 answer's signed function call reaches
/// an OpenAI, Anthropic or Responses client inside the call's id, and the client's next turn gives Gemini the
/// signature back byte for byte; Gemini clients get it as Gemini sends it.
/// </summary>
public sealed class ThoughtSignatureTests
{
    /// <summary>The signature in the golden upstream answer: standard base64 with '+', '/' and padding.</summary>
    private const string Signature = "CiQB0e2Kb+Xo/Yz3vQ9+sW/aPq==";

    private static ChatResponse UpstreamAnswer()
    {
        var answer = new GeminiProvider().ReadResponse(Bytes(Read("signature-upstream-response.json")), out var error);
        Assert.Null(error);
        return answer!;
    }

    private static string Golden(string name, string actual)
    {
        var expected = Read(name);
        JsonAssert.Equal(expected, actual);
        return actual;
    }

    private static string NextUpstreamBody(IClientCodec codec, string clientRequest)
    {
        var request = codec.ReadRequest(Bytes(clientRequest), out var error);
        Assert.True(error is null, error?.Message);
        var body = Write(o => new GeminiProvider().WriteRequest(o, request! with { Model = "gemini-3-pro-preview" }, "gemini-3-pro-preview"));
        // Every client protocol must give Gemini the same turns; the rest of the body is each protocol's own settings.
        return JsonDocument.Parse(body).RootElement.GetProperty("contents").GetRawText();
    }

    [Fact]
    public void GeminiAnswer_SignaturesAreReadOntoTheirParts()
    {
        var answer = UpstreamAnswer();

        var calls = answer.Content.OfType<ToolCallPart>().ToList();
        Assert.Equal([Signature, null], calls.Select(c => c.ThoughtSignature));
        Assert.Equal("EkQKQgE2", answer.Content.OfType<TextPart>().Single().ThoughtSignature);
    }

    [Fact]
    public void OpenAiClient_CarriesTheSignatureInTheCallIdAndGivesItBackToGemini()
    {
        var codec = new OpenAiChatConverter(OpenAiGolden.Clock());
        var body = Golden("signature-openai.client.json", Write(o => codec.WriteResponse(o, UpstreamAnswer())));
        var calls = JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls");
        var (first, second) = (calls[0].GetProperty("id").GetString()!, calls[1].GetProperty("id").GetString()!);

        var next = $$$"""
            {"model":"gemini-3-pro-preview","messages":[
              {"role":"user","content":"Weather in Paris and Rome?"},
              {"role":"assistant","content":null,"tool_calls":[
                {"id":"{{{first}}}","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                {"id":"{{{second}}}","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]},
              {"role":"tool","tool_call_id":"{{{first}}}","content":"{\"temp_c\":21}"},
              {"role":"tool","tool_call_id":"{{{second}}}","content":"{\"temp_c\":25}"}]}
            """;

        Golden("signature-next-turn.upstream.json", NextUpstreamBody(codec, next));
    }

    [Fact]
    public void AnthropicClient_CarriesTheSignatureInTheToolUseIdAndGivesItBackToGemini()
    {
        var codec = new AnthropicMessagesCodec();
        var body = Golden("signature-anthropic.client.json", Write(o => codec.WriteResponse(o, UpstreamAnswer())));
        var blocks = JsonDocument.Parse(body).RootElement.GetProperty("content").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "tool_use").ToList();
        var (first, second) = (blocks[0].GetProperty("id").GetString()!, blocks[1].GetProperty("id").GetString()!);
        // Anthropic's pattern for ids, which Claude Code and the SDKs hold to.
        Assert.All(blocks, b => Assert.Matches("^[a-zA-Z0-9_-]+$", b.GetProperty("id").GetString()));

        var next = $$$"""
            {"model":"gemini-3-pro-preview","max_tokens":1024,"messages":[
              {"role":"user","content":"Weather in Paris and Rome?"},
              {"role":"assistant","content":[
                {"type":"tool_use","id":"{{{first}}}","name":"get_weather","input":{"city":"Paris"}},
                {"type":"tool_use","id":"{{{second}}}","name":"get_weather","input":{"city":"Rome"}}]},
              {"role":"user","content":[
                {"type":"tool_result","tool_use_id":"{{{first}}}","content":"{\"temp_c\":21}"},
                {"type":"tool_result","tool_use_id":"{{{second}}}","content":"{\"temp_c\":25}"}]}]}
            """;

        Golden("signature-next-turn.upstream.json", NextUpstreamBody(codec, next));
    }

    [Fact]
    public void ResponsesClient_CarriesTheSignatureInTheCallIdAndGivesItBackToGemini()
    {
        var codec = new ResponsesCodec(OpenAiGolden.Clock());
        var request = codec.ReadRequest(Bytes("""{"model":"gemini-3-pro-preview","input":"Weather in Paris and Rome?"}"""), out _)!;
        var body = Golden("signature-responses.client.json", Write(o => codec.WriteResponse(o, UpstreamAnswer(), request)));
        var calls = JsonDocument.Parse(body).RootElement.GetProperty("output").EnumerateArray().Where(i => i.GetProperty("type").GetString() == "function_call").ToList();
        var (first, second) = (calls[0].GetProperty("call_id").GetString()!, calls[1].GetProperty("call_id").GetString()!);

        var next = $$$"""
            {"model":"gemini-3-pro-preview","store":false,"input":[
              {"role":"user","content":"Weather in Paris and Rome?"},
              {"type":"function_call","call_id":"{{{first}}}","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},
              {"type":"function_call","call_id":"{{{second}}}","name":"get_weather","arguments":"{\"city\":\"Rome\"}"},
              {"type":"function_call_output","call_id":"{{{first}}}","output":"{\"temp_c\":21}"},
              {"type":"function_call_output","call_id":"{{{second}}}","output":"{\"temp_c\":25}"}]}
            """;

        Golden("signature-next-turn.upstream.json", NextUpstreamBody(codec, next));
    }

    [Fact]
    public void GeminiStream_SignedCallReachesAnOpenAiStreamInItsId()
    {
        var events = Parse(new GeminiProvider().CreateStreamParser(), ReadCrlf("signature-stream.upstream.txt"));
        var rendered = Render(new OpenAiChatConverter(OpenAiGolden.Clock()).CreateStreamWriter(new ChatRequest { Model = "m", Messages = [], Stream = true }), events);

        var ids = rendered.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Where(f => f != "data: [DONE]")
            .Select(f => JsonDocument.Parse(f["data: ".Length..]).RootElement)
            .Where(c => c.GetProperty("choices").GetArrayLength() > 0 && c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("tool_calls", out var calls) && calls[0].TryGetProperty("id", out _))
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0].GetProperty("id").GetString()!).ToList();
        var id = Assert.Single(ids);
        Assert.Equal(("call_sigstream_0", Signature), ToolCallIds.FromWire(id));
    }

    [Fact]
    public void GeminiClient_SignaturesAreReadAndWrittenWhereGeminiPutsThem()
    {
        var codec = new GeminiCodec();
        var request = codec.ReadRequest(Bytes($$$$"""
            {"contents":[
              {"role":"user","parts":[{"text":"Weather?"}]},
              {"role":"model","parts":[{"text":"Let me check.","thoughtSignature":"EkQKQgE2"},{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"{{{{Signature}}}}"}]},
              {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"temp_c":21}}}]}]}
            """), out var error)!;
        Assert.Null(error);

        Assert.Equal("EkQKQgE2", request.Messages[1].Content[0].ThoughtSignature);
        Assert.Equal(Signature, request.Messages[1].Content[1].ThoughtSignature);
        Golden("signature-gemini.client.json", Write(o => codec.WriteResponse(o, UpstreamAnswer())));
    }

    [Fact]
    public void UnsignedCalls_GetGooglesStandInOnTheFirstCallOfTheirStepOnly()
    {
        var request = new ChatRequest
        {
            Model = "gemini-3-pro-preview",
            Messages =
            [
                new ChatMessage(ChatRole.User, [new TextPart("Weather?")]),
                new ChatMessage(ChatRole.Assistant, [new ToolCallPart("call_a", "get_weather", "{}"), new ToolCallPart("call_b", "get_time", "{}")]),
                new ChatMessage(ChatRole.User, [new ToolResultPart("call_a", [new TextPart("1")], false), new ToolResultPart("call_b", [new TextPart("2")], false)]),
            ],
        };

        var parts = JsonDocument.Parse(Write(o => new GeminiProvider().WriteRequest(o, request, "gemini-3-pro-preview"))).RootElement.GetProperty("contents")[1].GetProperty("parts");

        Assert.Equal(GeminiProvider.SkipSignatureValidation, parts[0].GetProperty("thoughtSignature").GetString());
        Assert.False(parts[1].TryGetProperty("thoughtSignature", out _));
    }

    [Theory]
    [InlineData("call_1", "call_1", null)]
    [InlineData("toolu_01A__gts_Q2lRQjBlMktiK1hvL1l6M3ZROStzVy9hUHE9PQ", "toolu_01A", Signature)]
    [InlineData("call_x__gts_!!notbase64", "call_x__gts_!!notbase64", null)]
    public void ToolCallIds_FromWire_SplitsTheIdFromTheSignatureItCarries(string wire, string id, string? signature) =>
        Assert.Equal((id, signature), ToolCallIds.FromWire(wire));

    [Theory]
    [InlineData(Signature)]
    [InlineData("skip_thought_signature_validator")]
    [InlineData("ünïcode/+=")]
    public void ToolCallIds_RoundTrip_IsByteExactAndUsesOnlyIdCharacters(string signature)
    {
        var wire = ToolCallIds.ToWire(new ToolCallPart("call_9", "f", "{}") { ThoughtSignature = signature });

        Assert.Matches("^[a-zA-Z0-9_-]+$", wire);
        Assert.Equal(("call_9", signature), ToolCallIds.FromWire(wire));
    }
}
