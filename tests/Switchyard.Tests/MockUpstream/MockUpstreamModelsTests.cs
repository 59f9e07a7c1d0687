using System.Text.Json;

namespace Switchyard.Tests.MockUpstream;

public sealed class MockUpstreamModelsTests
{
    [Fact]
    public async Task Models_List_ReturnsFixedCatalogue()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await host.Client.GetAsync(new Uri("v1/models", UriKind.Relative));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("list", body.GetProperty("object").GetString());
        var ids = body.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Equal(["gpt-4o", "gpt-4o-mini", "text-embedding-3-small", "deepseek-chat", "deepseek-reasoner", "qwen-max"], ids);
        foreach (var model in body.GetProperty("data").EnumerateArray())
        {
            Assert.Equal("model", model.GetProperty("object").GetString());
            Assert.True(model.GetProperty("created").GetInt64() > 1_600_000_000);
            Assert.False(string.IsNullOrEmpty(model.GetProperty("owned_by").GetString()));
        }
    }

    [Fact]
    public async Task Models_GetKnown_ReturnsModel()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await host.Client.GetAsync(new Uri("v1/models/deepseek-chat", UriKind.Relative));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("deepseek-chat", body.GetProperty("id").GetString());
        Assert.Equal("model", body.GetProperty("object").GetString());
        Assert.Equal("deepseek", body.GetProperty("owned_by").GetString());
    }

    [Fact]
    public async Task Models_GetUnknown_Returns404ModelNotFound()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await host.Client.GetAsync(new Uri("v1/models/gpt-9", UriKind.Relative));

        var error = await MockUpstreamChatTests.ReadErrorAsync(response, 404);
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Models_NoKey_Returns401()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var client = host.CreateClient(apiKey: null);

        using var response = await client.GetAsync(new Uri("v1/models", UriKind.Relative));

        await MockUpstreamChatTests.ReadErrorAsync(response, 401);
    }
}
