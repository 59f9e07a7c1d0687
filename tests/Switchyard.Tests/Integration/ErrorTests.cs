using System.ClientModel;
using System.Net;
using System.Text.Json;
using OpenAI.Chat;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>Every failure answers in OpenAI's error shape, with the right status, and leaves a ledger record.</summary>
public sealed class ErrorTests : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonElement Error, HttpResponseMessage Response)> SendAsync(string json, string? key = GatewayHarness.ClientKey, string path = "/v1/chat/completions")
    {
        var response = await _gateway.Http.SendAsync(_gateway.Post(path, json, key));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        foreach (var field in new[] { "message", "type", "param", "code" })
        {
            Assert.True(error.TryGetProperty(field, out _), $"error.{field} missing in {body}");
        }
        return (response.StatusCode, error, response);
    }

    private const string Hello = """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task MalformedJson_Is400SayingWhere()
    {
        var (status, error, _) = await SendAsync("{\"model\": \"gpt-4o\", \"messages\": [}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains("line 1", error.GetProperty("message").GetString());
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal((400, "malformed_json"), (record.Status, record.ErrorKind));
    }

    [Fact]
    public async Task MissingKey_Is401()
    {
        var (status, error, _) = await SendAsync(Hello, key: null);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task UnknownKey_Is401AndNeverEchoesIt()
    {
        const string wrong = "sk-sy-wrong-key-abcdefghijklmnopqrstuvwxyz";

        var (status, error, response) = await SendAsync(Hello, key: wrong);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.DoesNotContain("wrong-key", error.GetRawText());
        Assert.DoesNotContain("abcdefghijkl", error.GetRawText());
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal((401, "invalid_key", (string?)null), (record.Status, record.ErrorKind, record.KeyName));
    }

    [Fact]
    public async Task ExpiredKey_Is401()
    {
        var (status, error, _) = await SendAsync(Hello, key: GatewayHarness.ExpiredKey);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("expired", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task SdkWithBadKey_ThrowsWith401()
    {
        var chat = _gateway.OpenAi("sk-sy-not-a-real-key-0000000000000000").GetChatClient("gpt-4o");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(401, error.Status);
    }

    [Fact]
    public async Task ModelNotAllowedForKey_Is403()
    {
        var (status, error, _) = await SendAsync(Hello, key: GatewayHarness.NarrowKey);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("model", error.GetProperty("param").GetString());
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal(("narrow-key", 403, "model_not_allowed"), (record.KeyName, record.Status, record.ErrorKind));
    }

    [Fact]
    public async Task UnknownModel_Is404()
    {
        var (status, error, _) = await SendAsync("""{"model":"gpt-17","messages":[]}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task BodyOverLimit_Is413()
    {
        var big = $$"""{"model":"gpt-4o","messages":[{"role":"user","content":"{{new string('x', 70 * 1024)}}"}]}""";

        var (status, error, _) = await SendAsync(big);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("max_body_bytes", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task BodyOverLimitWithoutContentLength_Is413()
    {
        var request = _gateway.Post("/v1/chat/completions", "");
        request.Content = new StreamContent(new MemoryStream(new byte[200 * 1024]));
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await _gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task UpstreamUnreachable_Is502()
    {
        var (status, error, _) = await SendAsync("""{"model":"dead-model","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("upstream_unreachable", error.GetProperty("code").GetString());
        Assert.DoesNotContain("nobody-home", error.GetRawText());
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal(("unreachable", 502, "upstream_unreachable"), (record.Channel, record.Status, record.ErrorKind));
    }

    [Fact]
    public async Task UpstreamHangs_Is504AfterFirstByteTimeout()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();

        var (status, error, _) = await SendAsync("""{"model":"gpt-4o","messages":[{"role":"user","content":"[mock:hang]"}]}""");

        Assert.Equal(HttpStatusCode.GatewayTimeout, status);
        Assert.Contains("first_byte_timeout", error.GetProperty("message").GetString());
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task UpstreamError_PassesThroughInOpenAiShape(int upstreamStatus)
    {
        var (status, error, response) = await SendAsync($$"""{"model":"gpt-4o","messages":[{"role":"user","content":"[mock:status={{upstreamStatus}}]"}]}""");

        Assert.Equal(upstreamStatus, (int)status);
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal((upstreamStatus, "upstream_error"), (record.Status, record.ErrorKind));
        Assert.Equal("gpt-4o", response.Headers.GetValues("x-switchyard-model").Single());
    }

    /// <summary>An Anthropic upstream's refusal reaches an OpenAI client converted, with OpenAI's type for that status.</summary>
    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(404, "invalid_request_error")]
    [InlineData(413, "invalid_request_error")]
    [InlineData(429, "rate_limit_exceeded")]
    [InlineData(500, "api_error")]
    [InlineData(529, "api_error")]
    public async Task ConvertedUpstreamError_KeepsItsStatusWithOpenAisType(int upstreamStatus, string type)
    {
        var (status, error, _) = await SendAsync($$"""{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"[mock:status={{upstreamStatus}}]"}]}""");

        Assert.Equal(upstreamStatus, (int)status);
        Assert.Equal(type, error.GetProperty("type").GetString());
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal((upstreamStatus, "upstream_error", "mock-anthropic"), (record.Status, record.ErrorKind, record.Channel));
    }

    [Fact]
    public async Task UpstreamRejectsChannelKey_Is502NotTheClientsFault()
    {
        var (status, error, _) = await SendAsync("""{"model":"gpt-4o","messages":[{"role":"user","content":"[mock:status=401]"}]}""");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("upstream_auth_failed", error.GetProperty("code").GetString());
        Assert.DoesNotContain("mock-upstream-key", error.GetRawText());
    }

    [Fact]
    public async Task UnknownEndpoint_Is404InOpenAiShape()
    {
        var (status, _, _) = await SendAsync(Hello, path: "/v1/completions-of-the-future");

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task StreamCutByUpstream_ClientSeesErrorEventAndNoDone()
    {
        using var response = await _gateway.Http.SendAsync(_gateway.Post("/v1/chat/completions",
            """{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"[mock:cut_after=2]"}]}"""));
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(3, events.Length);
        Assert.Contains("\"code\":\"upstream_stream_broken\"", events[^1]);
        Assert.StartsWith("data: {\"error\":", events[^1]);
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal((502, "upstream_stream_broken"), (record.Status, record.ErrorKind));
    }

    [Fact]
    public async Task ClientDisconnectsMidStream_CancelsUpstreamAndStillRecords()
    {
        var request = _gateway.Post("/v1/chat/completions",
            """{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"slow [mock:chunk_delay_ms=500]"}]}""");
        // HttpClient normally drains an abandoned response for up to 2 s; a real client that leaves just closes.
        using var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = _gateway.BaseAddress };
        using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            await using var stream = await response.Content.ReadAsStreamAsync();
            Assert.True(await stream.ReadAsync(new byte[64]) > 0);
        }

        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal((499, "client_disconnected", true), (record.Status, record.ErrorKind, record.Stream));
        Assert.True(record.LatencyMs < 2000, $"the relay kept going for {record.LatencyMs} ms after the client left");
    }
}

public sealed class TimeoutConfigTests
{
    [Fact]
    public async Task RequestTimeout_DuringSlowStream_EndsWithErrorEvent()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: c => c with
        {
            Router = c.Router with { RequestTimeout = TimeSpan.FromSeconds(1) },
        });
        using var response = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions",
            """{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"[mock:chunk_delay_ms=400]"}]}"""), HttpCompletionOption.ResponseHeadersRead);

        var body = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain("[DONE]", body);
        Assert.Contains("\"code\":\"upstream_timeout\"", body);
        var record = Assert.Single(await gateway.LedgerAsync(1));
        Assert.Equal((504, "upstream_timeout"), (record.Status, record.ErrorKind));
    }
}
