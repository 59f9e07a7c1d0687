using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Switchyard.MockUpstream;

namespace Switchyard.Tests.MockUpstream;

/// <summary>A started mock plus an HttpClient pointed at it; one per test so recorded requests never mix.</summary>
public sealed class MockUpstreamTestHost : IAsyncDisposable
{
    public const string ApiKey = "sk-test-mock";

    private MockUpstreamTestHost(MockUpstreamServer server)
    {
        Server = server;
        Client = CreateClient(ApiKey);
    }

    public MockUpstreamServer Server { get; }

    public HttpClient Client { get; }

    public static async Task<MockUpstreamTestHost> StartAsync() => new(await MockUpstreamServer.StartAsync());

    public HttpClient CreateClient(string? apiKey, TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    public Task<HttpResponseMessage> PostAsync(string path, string json, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead) =>
        Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") }, completion);

    public async Task<JsonElement> PostForJsonAsync(string path, string json)
    {
        using var response = await PostAsync(path, json);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Posts a streamed chat request and returns the raw body, asserting the SSE content type.</summary>
    public async Task<string> PostForStreamAsync(string json)
    {
        using var response = await PostAsync("v1/chat/completions", json, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Splits an SSE body into its <c>data:</c> payloads, asserting the exact <c>data: …\n\n</c> framing.</summary>
    public static List<string> SplitEvents(string body)
    {
        Assert.EndsWith("\n\n", body, StringComparison.Ordinal);
        var events = new List<string>();
        foreach (var frame in body[..^2].Split("\n\n"))
        {
            Assert.StartsWith("data: ", frame, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', frame);
            events.Add(frame["data: ".Length..]);
        }

        return events;
    }

    /// <summary>A chat request body with one user message.</summary>
    public static string Chat(string userText, string? extra = null) =>
        $$"""{"model":"gpt-4o","messages":[{"role":"user","content":{{JsonSerializer.Serialize(userText, TestJson.Default.String)}}}]{{(extra is null ? "" : "," + extra)}}}""";

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
