using System.Net;
using System.Text.Json;
using Switchyard.Configuration;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Quotas;

/// <summary>Limits that name a kind of call (<c>limits.endpoints</c>) beside models, at the key, user and group scopes.</summary>
public sealed class EndpointLimitTests
{
    private const string Chat = """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""";
    private const string Embedding = """{"model":"text-embedding-3-small","input":"hi"}""";

    private static Dictionary<string, LimitsConfig> Endpoints(string name, long rpm) => new() { [name] = new LimitsConfig { Rpm = rpm } };

    private static async Task<HttpStatusCode> SendAsync(GatewayHarness gateway, string path, string json)
    {
        using var response = await gateway.Http.SendAsync(gateway.Post(path, json));
        return response.StatusCode;
    }

    [Fact]
    public async Task KeyEndpointLimit_EmbeddingsCapped_ChatUntouched()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: c => c with
        {
            Keys = [.. c.Keys.Select(k => k.Name == "client-key" ? k with { Limits = new LimitsConfig { Endpoints = Endpoints("embeddings", 1) } } : k)],
        });

        Assert.Equal(HttpStatusCode.OK, await SendAsync(gateway, "/v1/embeddings", Embedding));
        using var refused = await gateway.Http.SendAsync(gateway.Post("/v1/embeddings", Embedding));
        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("Rate limit reached for key client-key endpoint embeddings: rpm 1 per minute.", error.GetProperty("message").GetString());
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await SendAsync(gateway, "/v1/chat/completions", Chat));
        }
    }

    [Fact]
    public async Task UserEndpointLimit_ChatCapped_EmbeddingsUntouched()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: c => c with
        {
            Users = [.. c.Users.Select(u => u.Name == "wang" ? u with { Limits = new LimitsConfig { Endpoints = Endpoints("chat", 2) } } : u)],
        });

        Assert.Equal(HttpStatusCode.OK, await SendAsync(gateway, "/v1/chat/completions", Chat));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(gateway, "/v1/chat/completions", Chat));
        Assert.Equal((HttpStatusCode)429, await SendAsync(gateway, "/v1/chat/completions", Chat));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(gateway, "/v1/embeddings", Embedding));
    }

    [Fact]
    public async Task GroupEndpointLimit_CountTokensCapped_MessagesUntouched_InAnthropicShape()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: c => c with
        {
            Groups = [.. c.Groups.Select(g => g.Name == "team" ? g with { Limits = new LimitsConfig { Endpoints = Endpoints("count_tokens", 1) } } : g)],
        });
        HttpRequestMessage Anthropic(string path, string json) => new(HttpMethod.Post, path)
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
            Headers = { { "x-api-key", GatewayHarness.ClientKey }, { "anthropic-version", "2023-06-01" } },
        };
        const string count = """{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"hi"}]}""";
        const string message = """{"model":"claude-sonnet-4-5","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""";

        using var first = await gateway.Http.SendAsync(Anthropic("/v1/messages/count_tokens", count));
        using var second = await gateway.Http.SendAsync(Anthropic("/v1/messages/count_tokens", count));
        using var messages = await gateway.Http.SendAsync(Anthropic("/v1/messages", message));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        var error = JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("rate_limit_error", error.GetProperty("type").GetString());
        Assert.Contains("group team endpoint count_tokens: rpm 1 per minute", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, messages.StatusCode);
    }

    [Fact]
    public async Task GroupEndpointLimit_GeminiMethod_CapsOnlyThatMethod()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: c => GeminiChannel.Add(c) with
        {
            Groups = [.. c.Groups.Select(g => g.Name == "team" ? g with { Limits = new LimitsConfig { Endpoints = Endpoints("countTokens", 1) } } : g)],
        });
        HttpRequestMessage Gemini(string method) => new(HttpMethod.Post, $"/v1beta/models/{GeminiChannel.Flash}:{method}")
        {
            Content = new StringContent("""{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}""", System.Text.Encoding.UTF8, "application/json"),
            Headers = { { "x-goog-api-key", GatewayHarness.ClientKey } },
        };

        using var first = await gateway.Http.SendAsync(Gemini("countTokens"));
        using var second = await gateway.Http.SendAsync(Gemini("countTokens"));
        using var generate = await gateway.Http.SendAsync(Gemini("generateContent"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        Assert.Equal("RESOURCE_EXHAUSTED", JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, generate.StatusCode);
    }

    [Fact]
    public void Parse_EndpointLimits_ReadAndUnknownNameRejected()
    {
        var config = ConfigLoader.Parse("""
            groups:
              - name: rd
                limits:
                  rpm: 100
                  endpoints: { embeddings: { rpm: 10 }, streamGenerateContent: { tpm: 5000 } }
            keys:
              - { name: k, group: rd, limits: { endpoints: { chat: { rpm: 3 } }, models: { gpt-4o: { rpm: 2 } } } }
            """);
        Assert.Equal(10, config.Groups[0].Limits!.Endpoints!["embeddings"].Rpm);
        Assert.Equal(5000, config.Groups[0].Limits!.Endpoints!["streamGenerateContent"].Tpm);
        Assert.Equal(3, config.Keys[0].Limits!.Endpoints!["chat"].Rpm);

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("""
            groups:
              - { name: rd, limits: { endpoints: { completions: { rpm: 1 } } } }
            """));
        Assert.Contains(error.Problems, p => p.StartsWith("groups[0].limits.endpoints.completions:", StringComparison.Ordinal));
    }
}
