using System.Net;
using System.Text;
using Switchyard.Configuration;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>Channels whose <c>base_url</c> is the bare host, as the Anthropic and Gemini SDKs and new-api write it.</summary>
public sealed class BaseUrlTests : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(customize: config =>
    {
        var root = new Uri(config.Channels[0].BaseUrl).GetLeftPart(UriPartial.Authority);
        return config with
        {
            Channels =
            [
                .. config.Channels,
                new ChannelConfig { Name = "bare-openai", Type = "openai", BaseUrl = root, Keys = ["k1"], Models = ["bare-gpt"] },
                new ChannelConfig { Name = "bare-anthropic", Type = "anthropic", BaseUrl = root + "/", Keys = ["k2"], Models = ["bare-claude"] },
                new ChannelConfig { Name = "bare-gemini", Type = "gemini", BaseUrl = root, Keys = ["k3"], Models = ["bare-gemini"] },
            ],
        };
    });

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Theory]
    [InlineData("bare-gpt", "/v1/chat/completions")]
    [InlineData("bare-claude", "/v1/messages")]
    [InlineData("bare-gemini", "/v1beta/models/bare-gemini:generateContent")]
    public async Task ChatCompletion_ChannelWithBareHostBaseUrl_ReachesTheFamilyVersionPath(string model, string upstreamPath)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", GatewayHarness.ClientKey);

        using var response = await _gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(upstreamPath, _gateway.Mock.Requests[^1].Path);
    }
}
