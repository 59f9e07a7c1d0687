using System.Text;
using System.Text.Json;
using Switchyard.MockUpstream;
using static Switchyard.Tests.MockUpstream.ProtocolClient;

namespace Switchyard.Tests.MockUpstream;

public sealed class MockUpstreamGeminiTests
{
    private const string Generate = "v1beta/models/gemini-2.5-flash:generateContent";
    private const string StreamSse = "v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
    private const string StreamArray = "v1beta/models/gemini-2.5-flash:streamGenerateContent";
    private const string Tools = "\"tools\":[{\"functionDeclarations\":[{\"name\":\"get_weather\",\"parameters\":{\"type\":\"OBJECT\"}},{\"name\":\"get_time\"}]}]";

    private static string Request(string userText, string? extra = null) =>
        $$"""{"contents":[{"role":"user","parts":[{"text":{{Json(userText)}}}]}]{{(extra is null ? "" : "," + extra)}}}""";

    [Fact]
    public async Task GenerateContent_PlainRequest_ReturnsGeminiResponse()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await ReadJsonAsync(await GeminiAsync(host, Generate, Request("Say hello", "\"systemInstruction\":{\"parts\":[{\"text\":\"Be brief.\"}]}")));

        var candidate = Assert.Single(body.GetProperty("candidates").EnumerateArray());
        Assert.Equal("""{"parts":[{"text":"Hello from the mock upstream."}],"role":"model"}""", candidate.GetProperty("content").GetRawText());
        Assert.Equal("STOP", candidate.GetProperty("finishReason").GetString());
        Assert.Equal(0, candidate.GetProperty("index").GetInt32());
        Assert.Equal("gemini-2.5-flash", body.GetProperty("modelVersion").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("responseId").GetString()));
        var usage = body.GetProperty("usageMetadata");
        var prompt = 2 + 2 + (2 * MockTokens.PerMessageTokens);
        Assert.Equal(prompt, usage.GetProperty("promptTokenCount").GetInt32());
        Assert.Equal(5, usage.GetProperty("candidatesTokenCount").GetInt32());
        Assert.Equal(prompt + 5, usage.GetProperty("totalTokenCount").GetInt32());
        Assert.False(usage.TryGetProperty("cachedContentTokenCount", out _));
        Assert.False(usage.TryGetProperty("thoughtsTokenCount", out _));
    }

    [Fact]
    public async Task Models_ListAndGet_AreGoogleModelResources()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var client = host.CreateClient(apiKey: null);

        using var listRequest = new HttpRequestMessage(HttpMethod.Get, "v1beta/models");
        listRequest.Headers.Add("x-goog-api-key", "AIzaSyAnyKey");
        var list = await ReadJsonAsync(await client.SendAsync(listRequest));
        var flash = list.GetProperty("models").EnumerateArray().First(m => m.GetProperty("name").GetString() == "models/gemini-2.5-flash");
        Assert.Equal(65_536, flash.GetProperty("outputTokenLimit").GetInt32());
        Assert.Contains("generateContent", flash.GetProperty("supportedGenerationMethods").EnumerateArray().Select(m => m.GetString()));

        var one = await ReadJsonAsync(await client.GetAsync("v1beta/models/gemini-2.5-pro?key=AIzaSyAnyKey"));
        Assert.Equal("models/gemini-2.5-pro", one.GetProperty("name").GetString());
        var missing = await ReadJsonAsync(await client.GetAsync("v1beta/models/nope?key=AIzaSyAnyKey"), status: 404);
        Assert.Equal("NOT_FOUND", missing.GetProperty("error").GetProperty("status").GetString());

        var invalid = await ReadJsonAsync(await client.GetAsync("v1beta/models?key=mock-invalid-key"), status: 400);
        Assert.Equal("API_KEY_INVALID", invalid.GetProperty("error").GetProperty("details")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task GenerateContent_CachedAndThoughts_GeminiUsageSemantics()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        const string text = "think about it [mock:cached=3] [mock:reasoning=9]";

        var usage = (await ReadJsonAsync(await GeminiAsync(host, Generate, Request(text)))).GetProperty("usageMetadata");

        var prompt = MockTokens.Count(text) + MockTokens.PerMessageTokens;
        // promptTokenCount includes the cached tokens; thoughts sit beside candidates and both add to the total.
        Assert.Equal(prompt, usage.GetProperty("promptTokenCount").GetInt32());
        Assert.Equal(3, usage.GetProperty("cachedContentTokenCount").GetInt32());
        Assert.Equal(5, usage.GetProperty("candidatesTokenCount").GetInt32());
        Assert.Equal(9, usage.GetProperty("thoughtsTokenCount").GetInt32());
        Assert.Equal(prompt + 5 + 9, usage.GetProperty("totalTokenCount").GetInt32());
    }

    [Fact]
    public async Task GenerateContent_IncludeThoughts_ThoughtPartFirst()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        const string thinking = "\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":512,\"includeThoughts\":true}}";

        var body = await ReadJsonAsync(await GeminiAsync(host, Generate, Request("why", thinking)));

        var parts = body.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts");
        Assert.Equal($$"""{"text":"{{MockReplies.Thinking}}","thought":true}""", parts[0].GetRawText());
        Assert.Equal("Hello from the mock upstream.", parts[1].GetProperty("text").GetString());
        Assert.Equal(MockTokens.Count(MockReplies.Thinking), body.GetProperty("usageMetadata").GetProperty("thoughtsTokenCount").GetInt32());
    }

    [Fact]
    public async Task GenerateContent_ThinkingBudgetWithoutIncludeThoughts_CountsButHidesThoughts()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await ReadJsonAsync(await GeminiAsync(host, Generate, Request("why", "\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":512}}")));

        Assert.Single(body.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts").EnumerateArray());
        Assert.Equal(MockTokens.Count(MockReplies.Thinking), body.GetProperty("usageMetadata").GetProperty("thoughtsTokenCount").GetInt32());
    }

    [Fact]
    public async Task GenerateContent_MaxOutputTokens_MaxTokensFinish()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await ReadJsonAsync(await GeminiAsync(host, Generate, Request("hi", "\"generationConfig\":{\"maxOutputTokens\":3}")));

        Assert.Equal("MAX_TOKENS", body.GetProperty("candidates")[0].GetProperty("finishReason").GetString());
        Assert.Equal("Hello from the", body.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task GenerateContent_Tools_FunctionCallPart()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await ReadJsonAsync(await GeminiAsync(host, Generate, Request("""weather [mock:tool_args={"city":"Rome"}]""", Tools)));

        var candidate = body.GetProperty("candidates")[0];
        Assert.Equal("""[{"functionCall":{"name":"get_weather","args":{"city":"Rome"}}}]""", candidate.GetProperty("content").GetProperty("parts").GetRawText());
        Assert.Equal("STOP", candidate.GetProperty("finishReason").GetString());
    }

    [Theory]
    [InlineData("{\"functionCallingConfig\":{\"mode\":\"NONE\"}}", "text")]
    [InlineData("{\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"get_time\"]}}", "get_time")]
    public async Task GenerateContent_ToolConfig_SelectsCallOrText(string toolConfig, string expected)
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await ReadJsonAsync(await GeminiAsync(host, Generate, Request("go", $"{Tools},\"toolConfig\":{toolConfig}")));

        var part = body.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts")[0];
        Assert.Equal(expected, part.TryGetProperty("functionCall", out var call) ? call.GetProperty("name").GetString() : "text");
    }

    [Fact]
    public async Task GenerateContent_FunctionResponseLast_RepliesWithEcho()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        const string contents = """
            "contents":[
              {"role":"user","parts":[{"text":"weather?"}]},
              {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{}}}]},
              {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"sky":"clear"}}}]}]}
            """;
        var request = Tools + "," + contents;

        var body = await ReadJsonAsync(await GeminiAsync(host, Generate, "{" + request));

        Assert.Equal(MockReplies.ToolResultPrefix + """{"sky":"clear"}""", body.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Auth_KeyInQuery_IsAccepted()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await PostAsync(host, Generate + "?key=AIza-test", Request("hi"), []);

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Auth_MissingKey_Answers403PermissionDenied()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await PostAsync(host, Generate, Request("hi"), []);

        var error = (await ReadJsonAsync(response, 403)).GetProperty("error");
        Assert.Equal(403, error.GetProperty("code").GetInt32());
        Assert.Equal("PERMISSION_DENIED", error.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Auth_InvalidKey_Answers400ApiKeyInvalid()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await PostAsync(host, Generate, Request("hi"), [("x-goog-api-key", "mock-invalid-key")]);

        var error = (await ReadJsonAsync(response, 400)).GetProperty("error");
        Assert.Equal("INVALID_ARGUMENT", error.GetProperty("status").GetString());
        Assert.Equal("API key not valid. Please pass a valid API key.", error.GetProperty("message").GetString());
        Assert.Equal("API_KEY_INVALID", error.GetProperty("details")[0].GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData(400, "INVALID_ARGUMENT")]
    [InlineData(401, "UNAUTHENTICATED")]
    [InlineData(403, "PERMISSION_DENIED")]
    [InlineData(404, "NOT_FOUND")]
    [InlineData(429, "RESOURCE_EXHAUSTED")]
    [InlineData(500, "INTERNAL")]
    [InlineData(503, "UNAVAILABLE")]
    public async Task GenerateContent_StatusDirective_AnswersGoogleError(int status, string name)
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await GeminiAsync(host, StreamSse, Request($"hi [mock:status={status}]"));

        var error = (await ReadJsonAsync(response, status)).GetProperty("error");
        Assert.Equal(status, error.GetProperty("code").GetInt32());
        Assert.Equal(name, error.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task GenerateContent_MissingContentsOrUnknownMethod_AnswersGoogleError()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var missing = await GeminiAsync(host, Generate, "{}");
        using var unknown = await GeminiAsync(host, "v1beta/models/gemini-2.5-flash:embedSomething", Request("hi"));

        Assert.Equal("INVALID_ARGUMENT", (await ReadJsonAsync(missing, 400)).GetProperty("error").GetProperty("status").GetString());
        Assert.Equal("NOT_FOUND", (await ReadJsonAsync(unknown, 404)).GetProperty("error").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Stream_AltSse_CrlfFramedChunksWithUsageOnLast()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var response = await GeminiAsync(host, StreamSse, Request("hi [mock:cached=1]"));

        var body = await ReadStreamAsync(response);

        var chunks = ParseSse(body, named: false, separator: "\r\n\r\n");
        Assert.Equal(5, chunks.Count);
        var text = new StringBuilder();
        var responseId = chunks[0].Data.GetProperty("responseId").GetString();
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i].Data;
            Assert.Equal(responseId, chunk.GetProperty("responseId").GetString());
            var candidate = chunk.GetProperty("candidates")[0];
            text.Append(candidate.GetProperty("content").GetProperty("parts")[0].GetProperty("text").GetString());
            var usage = chunk.GetProperty("usageMetadata");
            Assert.Equal(i == chunks.Count - 1, candidate.TryGetProperty("finishReason", out _));
            Assert.Equal(i == chunks.Count - 1, usage.TryGetProperty("candidatesTokenCount", out _));
        }

        Assert.Equal("Hello from the mock upstream.", text.ToString());
        var last = chunks[^1].Data.GetProperty("usageMetadata");
        Assert.Equal(5, last.GetProperty("candidatesTokenCount").GetInt32());
        Assert.Equal(1, last.GetProperty("cachedContentTokenCount").GetInt32());
    }

    [Fact]
    public async Task Stream_WithoutAltSse_StreamsOneJsonArray()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var response = await GeminiAsync(host, StreamArray, Request("hi"));

        var body = await ReadStreamAsync(response, "application/json");

        Assert.StartsWith("[{", body, StringComparison.Ordinal);
        Assert.EndsWith("}]", body, StringComparison.Ordinal);
        Assert.Equal(4, body.Split(",\r\n{").Length - 1);
        var array = JsonDocument.Parse(body).RootElement;
        Assert.Equal(5, array.GetArrayLength());
        Assert.Equal("STOP", array[4].GetProperty("candidates")[0].GetProperty("finishReason").GetString());
    }

    [Fact]
    public async Task Stream_ThoughtsAndFunctionCall_ThoughtChunksThenOneCallChunk()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        const string config = "\"generationConfig\":{\"thinkingConfig\":{\"includeThoughts\":true}}";
        using var response = await GeminiAsync(host, StreamSse, Request("go", $"{Tools},{config}"));

        var chunks = ParseSse(await ReadStreamAsync(response), named: false, separator: "\r\n\r\n");

        var words = MockTokens.Count(MockReplies.Thinking);
        Assert.Equal(words + 1, chunks.Count);
        Assert.All(chunks[..words], c => Assert.True(c.Data.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts")[0].GetProperty("thought").GetBoolean()));
        var call = chunks[^1].Data.GetProperty("candidates")[0];
        Assert.Equal("get_weather", call.GetProperty("content").GetProperty("parts")[0].GetProperty("functionCall").GetProperty("name").GetString());
        Assert.Equal(words, chunks[^1].Data.GetProperty("usageMetadata").GetProperty("thoughtsTokenCount").GetInt32());
    }

    [Fact]
    public async Task Stream_CutAfter_AbortsBeforeArrayEnds()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var response = await PostAsync(host, StreamArray, Request("[mock:cut_after=2]"), [("x-goog-api-key", "k")], HttpCompletionOption.ResponseHeadersRead);

        var body = await ReadUntilAbortAsync(response);

        Assert.StartsWith("[{", body, StringComparison.Ordinal);
        Assert.DoesNotContain("]", body[^1..], StringComparison.Ordinal);
        Assert.Single(body.Split(",\r\n{")[1..]);
    }
}
