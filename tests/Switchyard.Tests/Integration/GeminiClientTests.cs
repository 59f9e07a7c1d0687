using System.Net;
using System.Text;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>
/// Gemini requests as Google's SDKs send them (the @google/genai headers and camelCase REST bodies) through the
/// gateway, served by OpenAI, Anthropic and Gemini channels, streaming included, with exact usage in the ledger.
/// </summary>
public sealed class GeminiClientTests : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(customize: GeminiChannel.Add);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    /// <summary>What @google/genai sends: the key in x-goog-api-key, its client header, JSON.</summary>
    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendAsync(string model, string method, string json,
        string? key = GatewayHarness.ClientKey, string query = "", bool header = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1beta/models/{model}:{method}{query}")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (header && key is not null)
        {
            request.Headers.TryAddWithoutValidation("x-goog-api-key", key);
        }
        request.Headers.TryAddWithoutValidation("x-goog-api-client", "google-genai-sdk/1.30.0 gl-node/v22.19.0");
        request.Headers.TryAddWithoutValidation("User-Agent", "google-genai-sdk/1.30.0 gl-node/v22.19.0");
        var response = await _gateway.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static string Prompt(string text) =>
        "{\"contents\":[{\"parts\":[{\"text\":" + JsonSerializer.Serialize(text) + """}],"role":"user"}],"systemInstruction":{"parts":[{"text":"Be brief."}],"role":"user"}}""";

    /// <summary>The chunks of an SSE answer, each parsed.</summary>
    private static List<JsonElement> Chunks(string body)
    {
        Assert.EndsWith("\r\n\r\n", body, StringComparison.Ordinal);
        return body.Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(frame =>
            {
                Assert.StartsWith("data: ", frame, StringComparison.Ordinal);
                return JsonDocument.Parse(frame["data: ".Length..]).RootElement.Clone();
            })
            .ToList();
    }

    private static string Text(JsonElement response) => string.Concat(response.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts")
        .EnumerateArray().Where(p => p.TryGetProperty("text", out _) && !p.TryGetProperty("thought", out _)).Select(p => p.GetProperty("text").GetString()));

    [Theory]
    [InlineData("gpt-4o", "mock")]
    [InlineData("claude-sonnet-4-5", "mock-anthropic")]
    [InlineData(GeminiChannel.Flash, "mock-gemini")]
    public async Task GenerateContent_AnyChannel_AnswersInGeminiShapeWithExactUsage(string model, string channel)
    {
        var (status, body, _) = await SendAsync(model, "generateContent", Prompt("Hello there [mock:cached=2]"));

        Assert.True(status == HttpStatusCode.OK, body);
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal("Hello from the mock upstream.", Text(root));
        Assert.Equal("STOP", root.GetProperty("candidates")[0].GetProperty("finishReason").GetString());
        var usage = root.GetProperty("usageMetadata");
        // System instruction and one turn: 2 + 3 words and 3 framing tokens each, as every mock dialect counts.
        Assert.Equal(11, usage.GetProperty("promptTokenCount").GetInt32());
        Assert.Equal(5, usage.GetProperty("candidatesTokenCount").GetInt32());
        Assert.Equal(16, usage.GetProperty("totalTokenCount").GetInt32());
        Assert.Equal(2, usage.GetProperty("cachedContentTokenCount").GetInt32());

        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal(("gemini.generate_content", channel, 200, false), (record.Endpoint, record.Channel, record.Status, record.Stream));
        Assert.Equal(new TokenUsage(11, 5, 2, 0, 0), record.Usage);
        Assert.True(record.CostUsd > 0);
    }

    [Theory]
    [InlineData("gpt-4o", "mock")]
    [InlineData("claude-sonnet-4-5", "mock-anthropic")]
    [InlineData(GeminiChannel.Flash, "mock-gemini")]
    public async Task StreamGenerateContent_AnyChannel_StreamsSseChunksEndingInFinishAndUsage(string model, string channel)
    {
        var (status, body, response) = await SendAsync(model, "streamGenerateContent", Prompt("Stream please"), query: "?alt=sse");

        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var chunks = Chunks(body);
        Assert.True(chunks.Count > 1);
        Assert.Equal("Hello from the mock upstream.", string.Concat(chunks.Select(Text)));
        var last = chunks[^1];
        Assert.Equal("STOP", last.GetProperty("candidates")[0].GetProperty("finishReason").GetString());
        Assert.Equal(5, last.GetProperty("usageMetadata").GetProperty("candidatesTokenCount").GetInt32());
        Assert.All(chunks[..^1], c => Assert.False(c.GetProperty("candidates")[0].TryGetProperty("finishReason", out _)));

        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal(("gemini.generate_content", channel, true), (record.Endpoint, record.Channel, record.Stream));
        Assert.Equal(new TokenUsage(2 + 3 + 2 + 3, 5, 0, 0, 0), record.Usage);
    }

    [Fact]
    public async Task GeminiChannel_IsServedByteForByteWithThoughtsBilledAsReasoning()
    {
        const string json = """
            {"contents":[{"parts":[{"text":"think it over [mock:cached=3]"}],"role":"user"}],
             "generationConfig":{"thinkingConfig":{"includeThoughts":true,"thinkingBudget":1024}}}
            """;

        var (status, body, _) = await SendAsync(GeminiChannel.Flash, "generateContent", json);

        Assert.Equal(HttpStatusCode.OK, status);
        var sent = _gateway.Mock.Requests.Single(r => r.Path.StartsWith("/v1beta/", StringComparison.Ordinal));
        Assert.Equal(json, sent.Body);
        Assert.Equal(GeminiChannel.UpstreamKey, sent.Headers["x-goog-api-key"]);
        var usage = JsonDocument.Parse(body).RootElement.GetProperty("usageMetadata");
        var thoughts = usage.GetProperty("thoughtsTokenCount").GetInt32();
        Assert.True(thoughts > 0);
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        var expected = new TokenUsage(4 + 3, 5 + thoughts, 3, 0, thoughts);
        Assert.Equal(expected, record.Usage);
        Assert.Equal((4 * 0.30m + 3 * 0.075m + 5 * 2.50m + thoughts * 3.50m) / 1_000_000m, record.CostUsd);
    }

    [Fact]
    public async Task GeminiChannel_StreamPassesThroughWithUsageTapped()
    {
        var (status, body, _) = await SendAsync(GeminiChannel.Pro, "streamGenerateContent",
            """{"contents":[{"parts":[{"text":"go [mock:reasoning=9]"}],"role":"user"}]}""", query: "?alt=sse");

        Assert.Equal(HttpStatusCode.OK, status);
        var chunks = Chunks(body);
        Assert.Equal("Hello from the mock upstream.", string.Concat(chunks.Select(Text)));
        Assert.Equal(9, chunks[^1].GetProperty("usageMetadata").GetProperty("thoughtsTokenCount").GetInt32());
        Assert.Equal("/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse", _gateway.Mock.Requests.Single(r => r.Path.StartsWith("/v1beta/", StringComparison.Ordinal)).Path);
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal(new TokenUsage(2 + 3, 5 + 9, 0, 0, 9), record.Usage);
        // Pro sets no reasoning price: thoughts cost the output price.
        Assert.Equal((5 * 1.25m + 14 * 10m) / 1_000_000m, record.CostUsd);
    }

    [Fact]
    public async Task FunctionCallingRoundTrip_OverAnOpenAiChannel_GivesCallsAndTakesResponsesByName()
    {
        const string tools = """
            "tools":[{"functionDeclarations":[{"name":"get_weather","description":"Weather","parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"}},"required":["city"]}}]}],
            "toolConfig":{"functionCallingConfig":{"mode":"AUTO"}}
            """;
        var (_, first, _) = await SendAsync("gpt-4o", "generateContent",
            "{\"contents\":[{\"parts\":[{\"text\":\"Weather in Paris? [mock:tool_args={\\\"city\\\":\\\"Paris\\\"}]\"}],\"role\":\"user\"}]," + tools + "}");

        var candidate = JsonDocument.Parse(first).RootElement.GetProperty("candidates")[0];
        Assert.Equal("STOP", candidate.GetProperty("finishReason").GetString());
        var call = candidate.GetProperty("content").GetProperty("parts")[0].GetProperty("functionCall");
        Assert.Equal("get_weather", call.GetProperty("name").GetString());
        JsonAssert.Equal("""{"city":"Paris"}""", call.GetProperty("args").GetRawText());
        var upstreamTools = JsonDocument.Parse(_gateway.Mock.Requests[^1].Body).RootElement.GetProperty("tools")[0].GetProperty("function");
        JsonAssert.Equal("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""", upstreamTools.GetProperty("parameters").GetRawText());

        var (status, second, _) = await SendAsync("gpt-4o", "generateContent", """
            {"contents":[
              {"parts":[{"text":"Weather in Paris?"}],"role":"user"},
              {"parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}],"role":"model"},
              {"parts":[{"functionResponse":{"name":"get_weather","response":{"output":"21 C"}}}],"role":"user"}],
            """ + tools + "}");

        Assert.True(status == HttpStatusCode.OK, second);
        Assert.Equal("Tool result received: 21 C", Text(JsonDocument.Parse(second).RootElement));
        var upstream = JsonDocument.Parse(_gateway.Mock.Requests[^1].Body).RootElement.GetProperty("messages");
        var callId = upstream[1].GetProperty("tool_calls")[0].GetProperty("id").GetString();
        Assert.Equal(callId, upstream[2].GetProperty("tool_call_id").GetString());
    }

    [Fact]
    public async Task StreamedFunctionCall_OverAnAnthropicChannel_ArrivesWholeInOneChunk()
    {
        var (status, body, _) = await SendAsync("claude-sonnet-4-5", "streamGenerateContent", """
            {"contents":[{"parts":[{"text":"Weather? [mock:tool_args={\"city\":\"Lima\"}]"}],"role":"user"}],
             "tools":[{"functionDeclarations":[{"name":"get_weather","parametersJsonSchema":{"type":"object","properties":{"city":{"type":"string"}}}}]}]}
            """, query: "?alt=sse");

        Assert.Equal(HttpStatusCode.OK, status);
        var calls = Chunks(body).SelectMany(c => c.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts").EnumerateArray())
            .Where(p => p.TryGetProperty("functionCall", out _)).Select(p => p.GetProperty("functionCall")).ToList();
        var call = Assert.Single(calls);
        Assert.Equal("get_weather", call.GetProperty("name").GetString());
        JsonAssert.Equal("""{"city":"Lima"}""", call.GetProperty("args").GetRawText());
    }

    [Fact]
    public async Task Keys_QueryParameterAndBearer_AuthenticateLikeTheHeader()
    {
        var viaQuery = await SendAsync("gpt-4o", "generateContent", Prompt("hi"), query: "?key=" + GatewayHarness.ClientKey, header: false);
        using var bearer = new HttpRequestMessage(HttpMethod.Post, "/v1beta/models/gpt-4o:generateContent") { Content = new StringContent(Prompt("hi"), Encoding.UTF8, "application/json") };
        bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", GatewayHarness.ClientKey);
        using var viaBearer = await _gateway.Http.SendAsync(bearer);

        Assert.Equal(HttpStatusCode.OK, viaQuery.Status);
        Assert.Equal(HttpStatusCode.OK, viaBearer.StatusCode);
    }

    [Theory]
    [InlineData("gpt-4o", "generateContent", "sk-sy-wrong-0000000000000000000000", "{\"contents\":[]}", 401, "UNAUTHENTICATED")]
    [InlineData("no-such-model", "generateContent", GatewayHarness.ClientKey, "{\"contents\":[]}", 404, "NOT_FOUND")]
    [InlineData("gpt-4o", "generateContent", GatewayHarness.ClientKey, "{\"contents\":\"hi\"}", 400, "INVALID_ARGUMENT")]
    [InlineData("gpt-4o", "generateContent", GatewayHarness.ClientKey, "{nope", 400, "INVALID_ARGUMENT")]
    [InlineData("gpt-4o", "embedAll", GatewayHarness.ClientKey, "{\"contents\":[]}", 404, "NOT_FOUND")]
    public async Task Errors_AreInGooglesShapeWithTheMatchingStatus(string model, string method, string key, string json, int code, string name)
    {
        var (status, body, _) = await SendAsync(model, method, json, key);

        Assert.Equal(code, (int)status);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.Equal(name, error.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.DoesNotContain("sk-sy-wrong", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData(GeminiChannel.Flash)]
    public async Task UpstreamErrors_ReachTheClientInGooglesShape(string model)
    {
        var (status, body, _) = await SendAsync(model, "generateContent", Prompt("[mock:status=429]"));

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal((429, "RESOURCE_EXHAUSTED"), (error.GetProperty("code").GetInt32(), error.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task StreamErrorFromGemini_PassesThroughToGeminiClientsAndIsRecorded()
    {
        var (status, body, _) = await SendAsync(GeminiChannel.Flash, "streamGenerateContent",
            """{"contents":[{"parts":[{"text":"go [mock:stream_error=503]"}],"role":"user"}]}""", query: "?alt=sse");

        Assert.Equal(HttpStatusCode.OK, status);
        var chunks = Chunks(body);
        Assert.Equal("Hello", Text(chunks[0]));
        var error = chunks[^1].GetProperty("error");
        Assert.Equal((503, "UNAVAILABLE"), (error.GetProperty("code").GetInt32(), error.GetProperty("status").GetString()));
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal("upstream_error", record.ErrorKind);
    }

    [Fact]
    public async Task StreamErrorFromGemini_ReachesAnOpenAiClientAsAnErrorChunk()
    {
        using var response = await _gateway.Http.SendAsync(_gateway.Post("/v1/chat/completions",
            """{"model":"gemini-2.5-flash","stream":true,"messages":[{"role":"user","content":"go [mock:stream_error=503]"}]}"""));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"content\":\"Hello\"", body, StringComparison.Ordinal);
        Assert.Contains("The model is overloaded. Please try again later.", body, StringComparison.Ordinal);
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal(("upstream_error", 503), (record.ErrorKind, record.Status));
    }

    [Fact]
    public async Task ModelList_ShowsWhatTheKeyMayUseAsGeminiModels()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1beta/models");
        request.Headers.TryAddWithoutValidation("x-goog-api-key", GatewayHarness.NarrowKey);
        using var response = await _gateway.Http.SendAsync(request);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        var names = root.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToList();
        Assert.Equal(["models/gpt-4o-mini", "models/mini"], names);
        Assert.Equal(["generateContent", "streamGenerateContent", "countTokens"],
            root.GetProperty("models")[0].GetProperty("supportedGenerationMethods").EnumerateArray().Select(m => m.GetString()));
    }
}
