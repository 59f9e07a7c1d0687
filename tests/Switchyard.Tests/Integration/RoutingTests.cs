using System.Net;
using Switchyard.Configuration;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>Retries, key health, circuit breaking and fallbacks, driven by the mock upstream's faults.</summary>
public sealed class RoutingTests
{
    private const string Deadline = "http://127.0.0.1:9/v1";

    private static Task<GatewayHarness> StartAsync(Func<GatewayConfig, GatewayConfig> customize) =>
        GatewayHarness.StartAsync(customize: c => customize(c with { Router = c.Router with { NumRetries = 2 } }));

    private static ChannelConfig MockChannel(GatewayConfig c) => c.Channels.Single(ch => ch.Name == "mock");

    private static Task<HttpResponseMessage> ChatAsync(GatewayHarness gateway, string model, string text = "hi", bool stream = false) =>
        gateway.Http.SendAsync(gateway.Post("/v1/chat/completions",
            $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"{{text}}"}]}"""));

    [Fact]
    public async Task UnreachableChannel_RetriesOnTheNextChannel()
    {
        await using var gateway = await StartAsync(c => c with
        {
            Channels = [.. c.Channels, new ChannelConfig { Name = "down", Type = "openai", BaseUrl = Deadline, Models = ["gpt-4o"], Priority = 10 }],
        });

        using var response = await ChatAsync(gateway, "gpt-4o");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = Assert.Single(await gateway.LedgerAsync(1));
        Assert.Equal("mock", record.Channel);
        Assert.Equal([("down", 502), ("mock", 200)], record.Attempts!.Select(a => (a.Channel, a.Status)));
    }

    [Fact]
    public async Task KeyRejectedWith401_IsDisabledAndTheOtherKeyServes()
    {
        await using var gateway = await StartAsync(c => c with
        {
            Channels = [MockChannel(c) with { Keys = ["mock-invalid-key", "good-key"] }],
        });

        for (var i = 0; i < 6; i++)
        {
            using var response = await ChatAsync(gateway, "gpt-4o");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var keysSeen = gateway.Mock.Requests.Select(r => r.Headers["Authorization"]).ToList();
        Assert.Equal(1, keysSeen.Count(k => k == "Bearer mock-invalid-key"));
        Assert.Equal(6, keysSeen.Count(k => k == "Bearer good-key"));
    }

    /// <summary>Google rejects a wrong key with 400 API_KEY_INVALID: that is the channel's credential, not the client's request.</summary>
    [Fact]
    public async Task GeminiKeyInvalid_IsDisabledAndTheOtherKeyServes()
    {
        await using var gateway = await StartAsync(c =>
        {
            var withGemini = GeminiChannel.Add(c);
            return withGemini with
            {
                Channels = [.. withGemini.Channels.Select(ch => ch.Type == "gemini" ? ch with { Keys = ["mock-invalid-key", GeminiChannel.UpstreamKey] } : ch)],
            };
        });

        for (var i = 0; i < 6; i++)
        {
            using var response = await ChatAsync(gateway, GeminiChannel.Flash);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var keysSeen = gateway.Mock.Requests.Where(r => r.Path.StartsWith("/v1beta/", StringComparison.Ordinal)).Select(r => r.Headers["x-goog-api-key"]).ToList();
        Assert.Equal(1, keysSeen.Count(k => k == "mock-invalid-key"));
        Assert.Equal(6, keysSeen.Count(k => k == GeminiChannel.UpstreamKey));
    }

    [Fact]
    public async Task AllChannelsFail_FallbackModelServesWithHeadersAndItsPrice()
    {
        await using var gateway = await StartAsync(c => c with
        {
            Models = [.. c.Models, new ModelConfig { Name = "dead-model", Fallbacks = ["gpt-4o-mini"], Price = new PriceConfig { Input = 100m, Output = 100m } }],
        });

        using var response = await ChatAsync(gateway, "dead-model", "three words here");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("dead-model", response.Headers.GetValues("x-switchyard-fallback-from").Single());
        Assert.Equal("upstream_unreachable", response.Headers.GetValues("x-switchyard-fallback-reason").Single());
        Assert.Equal("gpt-4o-mini", response.Headers.GetValues("x-switchyard-model").Single());
        var record = Assert.Single(await gateway.LedgerAsync(1));
        Assert.Equal(("dead-model", "gpt-4o-mini", 200), (record.RequestedModel, record.ServedModel, record.Status));
        Assert.Equal(["unreachable", "unreachable", "unreachable", "mock"], record.Attempts!.Select(a => a.Channel));
        Assert.Equal((6 * 0.15m + 5 * 0.60m) / 1_000_000m, record.CostUsd);
    }

    [Fact]
    public async Task FailingChannel_CircuitOpensAndIsSkipped()
    {
        await using var gateway = await StartAsync(c => c with
        {
            Channels = [.. c.Channels, new ChannelConfig { Name = "down", Type = "openai", BaseUrl = Deadline, Models = ["gpt-4o"], Priority = 10 }],
            Router = c.Router with { AllowedFails = 2, Cooldown = TimeSpan.FromMinutes(5) },
        });

        for (var i = 0; i < 4; i++)
        {
            using var response = await ChatAsync(gateway, "gpt-4o");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var records = (await gateway.LedgerAsync(4)).OrderBy(r => r.CreatedAt).ThenBy(r => r.RequestId).ToList();
        Assert.Equal(2, records.Count(r => r.Attempts!.Count > 1));
        Assert.Equal(2, records.Count(r => r.Attempts!.Count == 1 && r.Channel == "mock"));
    }

    [Fact]
    public async Task ClientError_IsNotRetried()
    {
        await using var gateway = await StartAsync(c => c);

        using var response = await ChatAsync(gateway, "gpt-4o", "[mock:status=400]");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Single(gateway.Mock.Requests);
    }

    [Fact]
    public async Task ServerError_IsRetriedThenReported()
    {
        await using var gateway = await StartAsync(c => c);

        using var response = await ChatAsync(gateway, "gpt-4o", "[mock:status=503]");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(3, gateway.Mock.Requests.Count);
        var record = Assert.Single(await gateway.LedgerAsync(1));
        Assert.Equal(3, record.Attempts!.Count);
    }

    [Fact]
    public async Task StreamBrokenAfterFirstByte_IsNotRetried()
    {
        await using var gateway = await StartAsync(c => c);

        using var response = await ChatAsync(gateway, "gpt-4o", "[mock:cut_after=2]", stream: true);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("upstream_stream_broken", body);
        Assert.Single(gateway.Mock.Requests);
    }

    [Fact]
    public async Task SilentStream_EndsWithIdleTimeoutError()
    {
        await using var gateway = await StartAsync(c => c with
        {
            Router = c.Router with { StreamIdleTimeout = TimeSpan.FromMilliseconds(300) },
        });

        using var response = await ChatAsync(gateway, "gpt-4o", "[mock:chunk_delay_ms=1500]", stream: true);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("stream_idle_timeout", body);
        Assert.DoesNotContain("[DONE]", body);
        var record = Assert.Single(await gateway.LedgerAsync(1));
        Assert.Equal((504, "upstream_timeout"), (record.Status, record.ErrorKind));
    }

    [Fact]
    public async Task AdminChannels_ShowsKeyStatesWithoutSecrets()
    {
        await using var gateway = await StartAsync(c => c with
        {
            Channels = [MockChannel(c) with { Keys = ["mock-invalid-key", "good-key-123456"] }],
        });
        for (var i = 0; i < 3; i++)
        {
            using var _ = await ChatAsync(gateway, "gpt-4o");
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/channels");
        request.Headers.Authorization = new("Bearer", GatewayHarness.MasterKey);

        using var response = await gateway.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("good-key-123456", text);
        Assert.DoesNotContain("mock-invalid-key", text);
        var keys = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("data")[0].GetProperty("keys");
        Assert.Equal("disabled", keys[0].GetProperty("state").GetString());
        Assert.Equal("ok", keys[1].GetProperty("state").GetString());
        Assert.Equal("…3456", keys[1].GetProperty("key_hint").GetString());
        Assert.Equal(3, keys[1].GetProperty("requests_last_minute").GetInt32());
    }

    [Fact]
    public async Task RateLimitedKey_CoolsDownForRetryAfterWhileOthersServe()
    {
        // The mock reads x-mock-* headers as directives: this channel's key is always answered 429, retry-after 30 s.
        await using var gateway = await StartAsync(c => c with
        {
            Channels =
            [
                .. c.Channels,
                MockChannel(c) with
                {
                    Name = "limited",
                    Priority = 10,
                    Keys = ["limited-key"],
                    Headers = new Dictionary<string, string> { ["x-mock-status"] = "429", ["x-mock-retry-after"] = "30" },
                },
            ],
        });

        using var first = await ChatAsync(gateway, "gpt-4o");
        using var second = await ChatAsync(gateway, "gpt-4o");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Single(gateway.Mock.Requests, r => r.Headers["Authorization"] == "Bearer limited-key");
        var channels = await gateway.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/admin/channels")
        {
            Headers = { Authorization = new("Bearer", GatewayHarness.MasterKey) },
        });
        var limited = System.Text.Json.JsonDocument.Parse(await channels.Content.ReadAsStringAsync()).RootElement.GetProperty("data")
            .EnumerateArray().Single(c => c.GetProperty("name").GetString() == "limited").GetProperty("keys")[0];
        Assert.Equal("cooling_down", limited.GetProperty("state").GetString());
        var until = limited.GetProperty("cooling_until").GetDateTimeOffset();
        Assert.InRange(until - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(31));
    }
}
