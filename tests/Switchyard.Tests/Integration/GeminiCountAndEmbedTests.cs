using System.Net;
using System.Text;
using System.Text.Json;
using Switchyard.Configuration;
using Switchyard.Contracts;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>
/// Gemini's countTokens, embedContent and batchEmbedContents as Google's clients send them: counted by Gemini
/// channels and estimated by the gateway elsewhere; embeddings passed to Gemini channels and converted for OpenAI
/// embeddings upstreams, with usage in the ledger.
/// </summary>
public sealed class GeminiCountAndEmbedTests : IAsyncLifetime
{
    private const string GeminiEmbedding = "gemini-embedding-001";

    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(customize: WithGeminiEmbedding);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private static GatewayConfig WithGeminiEmbedding(GatewayConfig config)
    {
        config = GeminiChannel.Add(config);
        return config with
        {
            Channels = [.. config.Channels.Select(c => c.Name == "mock-gemini" ? c with { Models = [.. c.Models, GeminiEmbedding] } : c)],
            Models = [.. config.Models, new ModelConfig { Name = GeminiEmbedding, Price = new PriceConfig { Input = 0.15m } }],
        };
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(string model, string method, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1beta/models/{model}:{method}") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("x-goog-api-key", GatewayHarness.ClientKey);
        using var response = await _gateway.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private IEnumerable<RecordedRequestView> Upstream => _gateway.Mock.Requests.Select(r => new RecordedRequestView(r.Path, r.Body));

    private sealed record RecordedRequestView(string Path, string Body);

    private static float[] Values(JsonElement embedding) => [.. embedding.GetProperty("values").EnumerateArray().Select(v => v.GetSingle())];

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData("claude-sonnet-4-5")]
    public async Task CountTokens_OnAChannelThatCannotCount_IsEstimatedByTheGatewayWithoutAnUpstreamCall(string model)
    {
        var (status, body) = await SendAsync(model, "countTokens", """{"contents":[{"role":"user","parts":[{"text":"Hello there"}]}]}""");
        var (wrappedStatus, wrapped) = await SendAsync(model, "countTokens", """{"generateContentRequest":{"model":"models/MODEL","contents":[{"role":"user","parts":[{"text":"Hello there"}]}],"systemInstruction":{"parts":[{"text":"Be brief."}]}}}""".Replace("MODEL", model, StringComparison.Ordinal));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (status, wrappedStatus));
        // The estimator: a token per word of up to six letters, one per punctuation run, three per message.
        Assert.Equal(2 + 3, body.GetProperty("totalTokens").GetInt32());
        Assert.Equal(("TEXT", 5), (body.GetProperty("promptTokensDetails")[0].GetProperty("modality").GetString(), body.GetProperty("promptTokensDetails")[0].GetProperty("tokenCount").GetInt32()));
        Assert.Equal(5 + 3, wrapped.GetProperty("totalTokens").GetInt32());
        Assert.Empty(_gateway.Mock.Requests);
        var records = await _gateway.LedgerAsync(2);
        Assert.All(records, r => Assert.Equal(("gemini.count_tokens", 200, default(TokenUsage)), (r.Endpoint, r.Status, r.Usage)));
    }

    [Fact]
    public async Task CountTokens_OnAGeminiChannel_IsGeminisOwnCount()
    {
        const string json = """{"contents":[{"role":"user","parts":[{"text":"Hello there friend"}]}]}""";

        var (status, body) = await SendAsync(GeminiChannel.Flash, "countTokens", json);

        Assert.Equal(HttpStatusCode.OK, status);
        // The mock counts three words and three framing tokens.
        Assert.Equal(6, body.GetProperty("totalTokens").GetInt32());
        var sent = Assert.Single(Upstream);
        Assert.Equal(("/v1beta/models/gemini-2.5-flash:countTokens", json), (sent.Path, sent.Body));
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal(("gemini.count_tokens", "mock-gemini", default(TokenUsage)), (record.Endpoint, record.Channel, record.Usage));
    }

    [Fact]
    public async Task EmbedContent_OnAnOpenAiChannel_IsConvertedAndBilledFromItsUsage()
    {
        var (status, body) = await SendAsync("text-embedding-3-small", "embedContent",
            """{"content":{"parts":[{"text":"the quick"},{"text":"brown fox"}]},"taskType":"RETRIEVAL_DOCUMENT","outputDimensionality":4}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var values = Values(body.GetProperty("embedding"));
        Assert.Equal(4, values.Length);
        var sent = JsonDocument.Parse(Assert.Single(Upstream).Body).RootElement;
        Assert.Equal("""{"model":"text-embedding-3-small","input":["the quick\nbrown fox"],"encoding_format":"float","dimensions":4}""", sent.GetRawText());

        // The same vector the OpenAI embeddings endpoint gives for that text.
        using var direct = await _gateway.Http.SendAsync(_gateway.Post("/v1/embeddings", """{"model":"text-embedding-3-small","input":"the quick\nbrown fox","dimensions":4}"""));
        var expected = JsonDocument.Parse(await direct.Content.ReadAsStringAsync()).RootElement.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle());
        Assert.Equal(expected, values);

        var records = await _gateway.LedgerAsync(2);
        var record = records.Single(r => r.Endpoint == "gemini.embed_content");
        var openAi = records.Single(r => r.Endpoint == "embeddings");
        Assert.Equal(("mock", 200), (record.Channel, record.Status));
        Assert.True(record.Usage.Input > 0);
        Assert.Equal(openAi.Usage, record.Usage);
        Assert.Equal(record.Usage.Input * 0.02m / 1_000_000m, record.CostUsd);
    }

    [Fact]
    public async Task BatchEmbedContents_AsTheGenAiSdkSendsIt_OnAnOpenAiChannel_KeepsTheOrder()
    {
        var (status, body) = await SendAsync("text-embedding-3-small", "batchEmbedContents", """
            {"requests":[
              {"model":"models/text-embedding-3-small","content":{"parts":[{"text":"alpha"}]},"outputDimensionality":3},
              {"model":"models/text-embedding-3-small","content":{"parts":[{"text":"beta gamma"}]},"outputDimensionality":3}]}
            """);
        var (_, alpha) = await SendAsync("text-embedding-3-small", "embedContent", """{"content":{"parts":[{"text":"alpha"}]},"outputDimensionality":3}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var embeddings = body.GetProperty("embeddings").EnumerateArray().Select(Values).ToList();
        Assert.Equal(2, embeddings.Count);
        Assert.All(embeddings, e => Assert.Equal(3, e.Length));
        Assert.Equal(Values(alpha.GetProperty("embedding")), embeddings[0]);
        Assert.NotEqual(embeddings[0], embeddings[1]);
        var record = (await _gateway.LedgerAsync(2)).Single(r => r.Endpoint == "gemini.batch_embed_contents");
        // The mock bills a token per word: three words.
        Assert.Equal(new TokenUsage(3, 0, 0, 0, 0), record.Usage);
    }

    [Fact]
    public async Task Embeddings_OnAGeminiChannel_PassThroughAndAreBilledFromTheEstimate()
    {
        const string batch = """{"requests":[{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"alpha beta"}]}},{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"gamma"}]},"outputDimensionality":5}]}""";

        var (status, body) = await SendAsync(GeminiEmbedding, "batchEmbedContents", batch);
        var (singleStatus, single) = await SendAsync(GeminiEmbedding, "embedContent", """{"content":{"parts":[{"text":"gamma"}]},"outputDimensionality":5}""");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (status, singleStatus));
        Assert.Equal([8, 5], body.GetProperty("embeddings").EnumerateArray().Select(e => Values(e).Length));
        Assert.Equal(Values(single.GetProperty("embedding")), Values(body.GetProperty("embeddings")[1]));
        var sent = Upstream.ToList();
        Assert.Equal(("/v1beta/models/gemini-embedding-001:batchEmbedContents", batch), (sent[0].Path, sent[0].Body));
        var records = await _gateway.LedgerAsync(2);
        // Gemini reports no usage for embeddings: the gateway's estimate of the texts is billed.
        Assert.Equal(new TokenUsage(3, 0, 0, 0, 0), records.Single(r => r.Endpoint == "gemini.batch_embed_contents").Usage);
        Assert.Equal(new TokenUsage(1, 0, 0, 0, 0), records.Single(r => r.Endpoint == "gemini.embed_content").Usage);
        Assert.All(records, r => Assert.Equal("mock-gemini", r.Channel));
    }

    [Theory]
    [InlineData("claude-sonnet-4-5", "embedContent", """{"content":{"parts":[{"text":"x"}]}}""", "cannot answer this endpoint")]
    [InlineData("text-embedding-3-small", "batchEmbedContents",
        """{"requests":[{"content":{"parts":[{"text":"a"}]},"outputDimensionality":3},{"content":{"parts":[{"text":"b"}]},"outputDimensionality":4}]}""", "same outputDimensionality")]
    [InlineData("text-embedding-3-small", "embedContent", """{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"iVBO"}}]}}""", "only text parts")]
    [InlineData("text-embedding-3-small", "embedContent", """{"taskType":"RETRIEVAL_QUERY"}""", "content is not specified")]
    [InlineData("text-embedding-3-small", "batchEmbedContents", """{"requests":[]}""", "requests is not specified")]
    public async Task Embeddings_ThatCannotBeServed_Are400InGooglesShape(string model, string method, string json, string message)
    {
        var (status, body) = await SendAsync(model, method, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = body.GetProperty("error");
        Assert.Equal((400, "INVALID_ARGUMENT"), (error.GetProperty("code").GetInt32(), error.GetProperty("status").GetString()));
        Assert.Contains(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(_gateway.Mock.Requests);
    }
}
