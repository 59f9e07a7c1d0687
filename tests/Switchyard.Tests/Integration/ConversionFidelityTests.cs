using System.Net;
using System.Text.Json;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>What a converted request keeps or refuses as the target family would, end to end through the mock upstream.</summary>
public sealed class ConversionFidelityTests : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Messages_WithoutMaxTokens_OnConvertedChannel_AnthropicsOwn400()
    {
        var response = await _gateway.Http.SendAsync(_gateway.Post("/v1/messages", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("error", body.GetProperty("type").GetString());
        Assert.Equal(("invalid_request_error", "max_tokens: Field required"),
            (body.GetProperty("error").GetProperty("type").GetString(), body.GetProperty("error").GetProperty("message").GetString()));
        Assert.Empty(_gateway.Mock.Requests);
    }

    [Fact]
    public async Task ChatTool_WithCacheControl_ToClaude_KeepsTheMarkerOnTheTool()
    {
        var response = await _gateway.Http.SendAsync(_gateway.Post("/v1/chat/completions", """
            {"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"hi"}],
             "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}},"cache_control":{"type":"ephemeral"}}]}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = JsonDocument.Parse(_gateway.Mock.Requests.Single(r => r.Path == "/v1/messages").Body).RootElement;
        Assert.Equal("""{"type":"ephemeral"}""", sent.GetProperty("tools")[0].GetProperty("cache_control").GetRawText());
    }
}
