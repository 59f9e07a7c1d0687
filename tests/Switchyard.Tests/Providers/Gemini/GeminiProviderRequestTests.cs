using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.Anthropic;
using Switchyard.Protocols.OpenAi;
using Switchyard.Providers.Gemini;
using Switchyard.Tests.TestSupport;
using static Switchyard.Tests.Protocols.Gemini.GeminiGolden;

namespace Switchyard.Tests.Providers.Gemini;

/// <summary>Canonical requests written as Gemini generateContent bodies, with the path and header that go with them.</summary>
public sealed class GeminiProviderRequestTests
{
    private readonly GeminiProvider _provider = new();

    private static ChatRequest ReadWith(IClientCodec codec, string json)
    {
        var request = codec.ReadRequest(Bytes(json), out var error);
        Assert.Null(error);
        return request!;
    }

    private string WriteBody(ChatRequest request, string model = "gemini-2.5-flash") => Write(o => _provider.WriteRequest(o, request, model));

    [Fact]
    public void RequestPath_NamesTheUpstreamModelAndAsksStreamsForSse()
    {
        var request = new ChatRequest { Model = "client-alias", Messages = [] };

        Assert.Equal("gemini", _provider.Name);
        Assert.Equal("models/gemini-2.5-flash:generateContent", ((IProviderAdapter)_provider).RequestPath(request, "gemini-2.5-flash"));
        Assert.Equal("models/gemini-2.5-pro:streamGenerateContent?alt=sse", ((IProviderAdapter)_provider).RequestPath(request with { Stream = true }, "gemini-2.5-pro"));
    }

    [Fact]
    public void AddHeaders_PutsTheKeyInTheGoogleHeaderNeverTheUrl()
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");

        _provider.AddHeaders(message, "AIzaSyChannelKey");

        Assert.Equal(["AIzaSyChannelKey"], message.Headers.GetValues("x-goog-api-key"));
        Assert.Null(message.Headers.Authorization);
        Assert.DoesNotContain("AIza", message.RequestUri!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void WriteRequest_OpenAiTurnsWithToolsImagesAndSchema_GiveTheGoldenBody()
    {
        var request = ReadWith(new OpenAiChatConverter(TimeProvider.System), Read("provider-openai-turns.client.json"));

        JsonAssert.Equal(Read("provider-openai-turns.upstream.json"), WriteBody(request));
    }

    [Fact]
    public void WriteRequest_AnthropicTurnsWithThinkingDocumentsAndErrors_GiveTheGoldenBody()
    {
        var request = ReadWith(new AnthropicMessagesCodec(), Read("provider-anthropic-turns.client.json"));

        JsonAssert.Equal(Read("provider-anthropic-turns.upstream.json"), WriteBody(request, "gemini-2.5-pro"));
    }

    [Fact]
    public void WriteRequest_ToolResultWithImage_PutsTheImageBesideTheFunctionResponse()
    {
        var request = new ChatRequest
        {
            Model = "m",
            Messages =
            [
                new ChatMessage(ChatRole.Assistant, [new ToolCallPart("c1", "screenshot", "{}")]),
                new ChatMessage(ChatRole.User, [new ToolResultPart("c1", [new TextPart("taken"), new ImagePart(null, "image/jpeg", "/9j/4AA=")], false)]),
            ],
        };

        JsonAssert.Equal("""
            {"contents":[
              {"role":"model","parts":[{"functionCall":{"name":"screenshot","args":{}},"thoughtSignature":"skip_thought_signature_validator"}]},
              {"role":"user","parts":[{"functionResponse":{"name":"screenshot","response":{"output":"taken"}}},{"inlineData":{"mimeType":"image/jpeg","data":"/9j/4AA="}}]}
            ],"generationConfig":{}}
            """, WriteBody(request));
    }

    [Fact]
    public void WriteRequest_EmptyTurnsAndEffortWithoutBudget_AreLeftOutOrLeftToTheModel()
    {
        var request = new ChatRequest
        {
            Model = "m",
            Messages = [new ChatMessage(ChatRole.User, [new TextPart("hi")]), new ChatMessage(ChatRole.Assistant, [new ThinkingPart("private", "sig")])],
            Thinking = new ThinkingConfig(true, Effort: "xhigh"),
            ToolChoice = new ToolChoice(ToolChoiceKind.None),
            Tools = [new ToolDefinition("t", null, null)],
            ResponseFormat = System.Text.Json.JsonDocument.Parse("""{"type":"json_object"}""").RootElement,
        };

        JsonAssert.Equal("""
            {"contents":[{"role":"user","parts":[{"text":"hi"}]}],
             "tools":[{"functionDeclarations":[{"name":"t"}]}],
             "toolConfig":{"functionCallingConfig":{"mode":"NONE"}},
             "generationConfig":{"responseMimeType":"application/json","thinkingConfig":{"includeThoughts":true,"thinkingBudget":-1}}}
            """, WriteBody(request));
    }
}
