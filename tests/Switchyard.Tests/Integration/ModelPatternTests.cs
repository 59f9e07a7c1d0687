using System.Net;
using System.Text.Json;
using Switchyard.Configuration;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>
/// Model-name patterns: aliases such as <c>gpt-*-mini*</c> resolve to a configured model, a channel listing
/// <c>gemini-*</c> serves whatever concrete name matches, the most specific pattern wins, and the model list shows
/// concrete names only.
/// </summary>
public sealed class ModelPatternTests : IAsyncLifetime
{
    private const string PatternKey = "sk-sy-test-pattern-key-0000000000000004";
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(customize: WithPatterns);

    private static GatewayConfig WithPatterns(GatewayConfig original)
    {
        var config = GeminiChannel.Add(original);
        return config with
        {
            Channels = [.. config.Channels.Select(c => c.Name == "mock-gemini" ? c with { Models = [.. c.Models, "gemini-*"] } : c)],
            Models =
            [
            .. config.Models.Select(m => m.Name switch
            {
                "gpt-4o" => m with { Aliases = ["gpt-*"] },
                "gpt-4o-mini" => m with { Aliases = [.. m.Aliases, "gpt-*-mini*"] },
                "claude-sonnet-4-5" => m with { Aliases = ["claude-*"] },
                _ => m,
            }),
        ],
            Groups = [.. config.Groups, new GroupConfig { Name = "patterns", Models = ["gpt-*-mini*", "gemini-*"] }],
            Keys = [.. config.Keys, new KeyConfig { Name = "pattern-key", Secret = PatternKey, Group = "patterns" }],
        };
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private async Task<HttpResponseMessage> ChatAsync(string model, string key = GatewayHarness.ClientKey) =>
        await _gateway.Http.SendAsync(_gateway.Post("/v1/chat/completions", $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", key));

    [Theory]
    [InlineData("gpt-5.1-mini-2026", "gpt-4o-mini", "mock")]
    [InlineData("gpt-5.1", "gpt-4o", "mock")]
    [InlineData("gpt-4o-mini", "gpt-4o-mini", "mock")]
    [InlineData("mini", "gpt-4o-mini", "mock")]
    [InlineData("claude-opus-4-8", "claude-sonnet-4-5", "mock-anthropic")]
    [InlineData("gemini-3.8-flash", "gemini-3.8-flash", "mock-gemini")]
    public async Task ChatCompletion_NameMatchingAPattern_IsServedByTheMostSpecificTarget(string requested, string served, string channel)
    {
        using var response = await ChatAsync(requested);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(served, response.Headers.GetValues("x-switchyard-model").Single());
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal((requested, served, channel), (record.RequestedModel, record.ServedModel, record.Channel));
    }

    [Fact]
    public async Task ChatCompletion_RequestedNameIsItselfAPattern_IsNotFound()
    {
        using var response = await ChatAsync("gpt-*");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("gpt-5-mini", HttpStatusCode.OK)]
    [InlineData("gemini-3.8-flash-lite", HttpStatusCode.OK)]
    [InlineData("gpt-5", HttpStatusCode.Forbidden)]
    [InlineData("claude-opus-4-8", HttpStatusCode.Forbidden)]
    public async Task ChatCompletion_GroupAllowListWithPatterns_AdmitsOnlyMatchingNames(string requested, HttpStatusCode expected)
    {
        using var response = await ChatAsync(requested, PatternKey);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task ListModels_WithPatterns_ListsConcreteNamesOnly()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Authorization = new("Bearer", GatewayHarness.ClientKey);
        using var response = await _gateway.Http.SendAsync(request);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var ids = body.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToList();

        Assert.Contains("gpt-4o-mini", ids);
        Assert.Contains(GeminiChannel.Flash, ids);
        Assert.DoesNotContain(ids, id => id.Contains('*', StringComparison.Ordinal));
        using var geminiRequest = new HttpRequestMessage(HttpMethod.Get, "/v1beta/models");
        geminiRequest.Headers.TryAddWithoutValidation("x-goog-api-key", GatewayHarness.ClientKey);
        var geminiList = await (await _gateway.Http.SendAsync(geminiRequest)).Content.ReadAsStringAsync();
        Assert.Contains(GeminiChannel.Flash, geminiList, StringComparison.Ordinal);
        Assert.DoesNotContain("*", geminiList, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetModel_ConcreteNameMatchingAPattern_IsFound()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models/claude-opus-4-8");
        request.Headers.Authorization = new("Bearer", GatewayHarness.ClientKey);

        using var response = await _gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
