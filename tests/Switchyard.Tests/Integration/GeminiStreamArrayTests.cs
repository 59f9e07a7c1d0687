using System.Net;
using System.Text;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>
/// <c>:streamGenerateContent</c> without <c>alt=sse</c>, as REST callers use it: Google answers one JSON array written
/// element by element (<c>[{…},\r\n{…}]</c>), errors included; the gateway does the same over every channel family.
/// </summary>
public sealed class GeminiStreamArrayTests : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(customize: GeminiChannel.Add);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private HttpRequestMessage Request(string model, string text)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1beta/models/{model}:streamGenerateContent")
        {
            Content = new StringContent("{\"contents\":[{\"parts\":[{\"text\":" + JsonSerializer.Serialize(text) + "}],\"role\":\"user\"}]}", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("x-goog-api-key", GatewayHarness.ClientKey);
        return request;
    }

    private static string Text(JsonElement response) => string.Concat(response.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts")
        .EnumerateArray().Where(p => p.TryGetProperty("text", out _)).Select(p => p.GetProperty("text").GetString()));

    /// <summary>The array's elements, checking the framing Google uses: an opening bracket, ",\r\n" between elements, a closing bracket.</summary>
    private static List<JsonElement> Elements(string body)
    {
        Assert.StartsWith("[{", body, StringComparison.Ordinal);
        Assert.EndsWith("}]", body, StringComparison.Ordinal);
        var elements = JsonDocument.Parse(body).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
        Assert.Equal(elements.Count - 1, body.Split("},\r\n{").Length - 1);
        return elements;
    }

    [Theory]
    [InlineData("gpt-4o", "mock")]
    [InlineData("claude-sonnet-4-5", "mock-anthropic")]
    [InlineData(GeminiChannel.Flash, "mock-gemini")]
    public async Task WithoutAltSse_AnyChannel_StreamsOneJsonArrayEndingInFinishAndUsage(string model, string channel)
    {
        using var response = await _gateway.Http.SendAsync(Request(model, "Stream please"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var elements = Elements(body);
        Assert.True(elements.Count > 1);
        Assert.Equal("Hello from the mock upstream.", string.Concat(elements.Select(Text)));
        Assert.Equal("STOP", elements[^1].GetProperty("candidates")[0].GetProperty("finishReason").GetString());
        Assert.Equal(5, elements[^1].GetProperty("usageMetadata").GetProperty("candidatesTokenCount").GetInt32());
        Assert.All(elements[..^1], e => Assert.False(e.GetProperty("candidates")[0].TryGetProperty("finishReason", out _)));
        if (channel == "mock-gemini")
        {
            // Upstream the gateway always streams SSE, so it can tap usage frame by frame.
            Assert.EndsWith(":streamGenerateContent?alt=sse", _gateway.Mock.Requests.Single(r => r.Path.StartsWith("/v1beta/", StringComparison.Ordinal)).Path, StringComparison.Ordinal);
        }

        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal(("gemini.generate_content", channel, 200, true), (record.Endpoint, record.Channel, record.Status, record.Stream));
        Assert.Equal(new TokenUsage(2 + 3, 5, 0, 0, 0), record.Usage);
    }

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData(GeminiChannel.Flash)]
    public async Task WithoutAltSse_ElementsReachTheClientAsTheyArrive(string model)
    {
        using var request = Request(model, "Stream please [mock:chunk_delay_ms=150]");
        using var response = await _gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];

        var first = Encoding.UTF8.GetString(buffer, 0, await stream.ReadAsync(buffer));

        // The first element arrives alone, long before the upstream has finished.
        Assert.StartsWith("[{", first, StringComparison.Ordinal);
        Assert.DoesNotContain("finishReason", first, StringComparison.Ordinal);
        Assert.False(first.EndsWith(']'));
        var rest = new StringBuilder(first);
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            rest.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        Assert.Equal("Hello from the mock upstream.", string.Concat(Elements(rest.ToString()).Select(Text)));
    }

    [Fact]
    public async Task WithoutAltSse_GeminiStreamError_IsTheArraysLastElementAndTheArrayCloses()
    {
        using var response = await _gateway.Http.SendAsync(Request(GeminiChannel.Flash, "go [mock:stream_error=503]"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var elements = Elements(body);
        Assert.Equal("Hello", Text(elements[0]));
        var error = elements[^1].GetProperty("error");
        Assert.Equal((503, "UNAVAILABLE"), (error.GetProperty("code").GetInt32(), error.GetProperty("status").GetString()));
        Assert.Equal("upstream_error", Assert.Single(await _gateway.LedgerAsync(1)).ErrorKind);
    }

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData(GeminiChannel.Flash)]
    public async Task WithoutAltSse_StreamCut_EndsWithAnErrorElementInAValidArray(string model)
    {
        using var response = await _gateway.Http.SendAsync(Request(model, "Stream please [mock:cut_after=2]"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var elements = Elements(body);
        var error = elements[^1].GetProperty("error");
        Assert.Equal(502, error.GetProperty("code").GetInt32());
        Assert.Equal("upstream_stream_broken", Assert.Single(await _gateway.LedgerAsync(1)).ErrorKind);
    }

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData(GeminiChannel.Flash)]
    public async Task WithoutAltSse_ErrorsBeforeTheStream_AreGooglesEnvelopeInsideTheArray(string model)
    {
        using var response = await _gateway.Http.SendAsync(Request(model, "[mock:status=429]"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var error = Assert.Single(JsonDocument.Parse(body).RootElement.EnumerateArray()).GetProperty("error");
        Assert.Equal((429, "RESOURCE_EXHAUSTED"), (error.GetProperty("code").GetInt32(), error.GetProperty("status").GetString()));
    }
}
