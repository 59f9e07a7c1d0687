using System.ClientModel;
using System.Net;
using System.Text.Json;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

public sealed class EmbeddingsAndModelsTests : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task GenerateEmbedding_SdkBase64_MatchesFloatAnswer()
    {
        var client = _gateway.OpenAi().GetEmbeddingClient("text-embedding-3-small");

        var viaSdk = (await client.GenerateEmbeddingAsync("the same text")).Value.ToFloats().ToArray();
        using var response = await _gateway.Http.SendAsync(_gateway.Post("/v1/embeddings",
            """{"model":"text-embedding-3-small","input":"the same text","encoding_format":"float"}"""));
        using var floatAnswer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var floats = floatAnswer.RootElement.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.NotEmpty(viaSdk);
        Assert.Equal(floats, viaSdk);
        var records = await _gateway.LedgerAsync(2);
        Assert.All(records, r => Assert.Equal(("embeddings", 3L, 0L), (r.Endpoint, r.Usage.Input, r.Usage.Output)));
        Assert.All(records, r => Assert.Equal(3 * 0.02m / 1_000_000m, r.CostUsd));
    }

    [Fact]
    public async Task GenerateEmbeddings_Batch_KeepsOrder()
    {
        var client = _gateway.OpenAi().GetEmbeddingClient("text-embedding-3-small");

        var result = (await client.GenerateEmbeddingsAsync(["one", "two words", "three more words"])).Value;

        Assert.Equal([0, 1, 2], result.Select(e => e.Index));
        Assert.Equal(6, result.Usage.InputTokenCount);
    }

    [Fact]
    public async Task Embeddings_MissingInput_Is400()
    {
        using var response = await _gateway.Http.SendAsync(_gateway.Post("/v1/embeddings", """{"model":"text-embedding-3-small"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"param\":\"input\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetModels_ListsOnlyWhatTheKeyMayUse()
    {
        var all = (await _gateway.OpenAi().GetOpenAIModelClient().GetModelsAsync()).Value.Select(m => m.Id).ToList();
        var narrow = (await _gateway.OpenAi(GatewayHarness.NarrowKey).GetOpenAIModelClient().GetModelsAsync()).Value.Select(m => m.Id).ToList();

        Assert.Equal(["claude-sonnet-4-5", "dead-model", "gpt-4o", "gpt-4o-mini", "house-model", "mini", "text-embedding-3-small"], all);
        Assert.Equal(["gpt-4o-mini", "mini"], narrow);
    }

    [Fact]
    public async Task GetModel_AllowedAndForbidden()
    {
        var mini = (await _gateway.OpenAi(GatewayHarness.NarrowKey).GetOpenAIModelClient().GetModelAsync("gpt-4o-mini")).Value;
        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            _gateway.OpenAi(GatewayHarness.NarrowKey).GetOpenAIModelClient().GetModelAsync("gpt-4o"));

        Assert.Equal("gpt-4o-mini", mini.Id);
        Assert.Equal(404, error.Status);
    }

    [Fact]
    public async Task GetModels_WithoutKey_Is401()
    {
        using var response = await _gateway.Http.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_api_key", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Health_LiveAndReady()
    {
        Assert.Equal(HttpStatusCode.OK, (await _gateway.Http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _gateway.Http.GetAsync("/readyz")).StatusCode);
    }
}
