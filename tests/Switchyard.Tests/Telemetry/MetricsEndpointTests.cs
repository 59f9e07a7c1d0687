using System.Net;
using System.Net.Http.Headers;
using Switchyard.Configuration;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Telemetry;

/// <summary>Scripted traffic (success, stream, failure, retry, fallback, 429) and the series it must leave on /metrics.</summary>
public sealed class MetricsEndpointTests
{
    private const string Token = "metrics-scrape-token-0001";

    private static Task<GatewayHarness> StartAsync(bool perKey = false) => GatewayHarness.StartAsync(customize: c => c with
    {
        Router = c.Router with { NumRetries = 1 },
        Channels = [.. c.Channels.Select(ch => ch.Name == "unreachable" ? ch with { Models = ["dead-model", "dead-only"] } : ch)],
        Models = [.. c.Models, new ModelConfig { Name = "dead-model", Fallbacks = ["gpt-4o-mini"] }, new ModelConfig { Name = "dead-only" }],
        Keys = [.. c.Keys.Select(k => k.Name == "narrow-key" ? k with { Limits = new LimitsConfig { Rpm = 1 } } : k)],
        Metrics = new MetricsConfig { Token = Token, PerKey = perKey },
    });

    private static async Task<HttpStatusCode> ChatAsync(GatewayHarness gateway, string model, bool stream = false, string key = GatewayHarness.ClientKey)
    {
        using var response = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions",
            $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"count these few words"}]}""", key));
        await response.Content.ReadAsStringAsync();
        return response.StatusCode;
    }

    /// <summary>The traffic every test here runs; returns what the ledger recorded for it.</summary>
    private static async Task<IReadOnlyList<Switchyard.Billing.UsageRecord>> ScriptedTrafficAsync(GatewayHarness gateway)
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await ChatAsync(gateway, "gpt-4o-mini"));
        }
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(gateway, "mini", stream: true));
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(gateway, "dead-model"));
        Assert.Equal(HttpStatusCode.BadGateway, await ChatAsync(gateway, "dead-only"));
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(gateway, "gpt-4o-mini", key: GatewayHarness.NarrowKey));
        Assert.Equal(HttpStatusCode.TooManyRequests, await ChatAsync(gateway, "gpt-4o-mini", key: GatewayHarness.NarrowKey));
        return await gateway.LedgerAsync(8);
    }

    private static async Task<string> ScrapeAsync(GatewayHarness gateway)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await gateway.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Scripted_traffic_leaves_the_expected_series_and_promtool_accepts_them()
    {
        await using var gateway = await StartAsync();
        var ledger = await ScriptedTrafficAsync(gateway);
        var text = await ScrapeAsync(gateway);
        var m = new MetricsText(text);

        (string, string)[] Request(string model, string channel, string group, string statusClass, string outcome) =>
            [("protocol", "chat.completions"), ("model", model), ("channel", channel), ("group", group), ("status_class", statusClass), ("outcome", outcome)];

        // Five answered for the team (three plain, one streamed, one through the fallback), one for the narrow group.
        Assert.Equal(5, m.Value("switchyard_requests_total", Request("gpt-4o-mini", "mock", "team", "2xx", "success")));
        Assert.Equal(1, m.Value("switchyard_requests_total", Request("gpt-4o-mini", "mock", "narrow", "2xx", "success")));
        Assert.Equal(1, m.Value("switchyard_requests_total", Request("dead-only", "unreachable", "team", "5xx", "upstream_unreachable")));
        Assert.Equal(1, m.Value("switchyard_requests_total", Request("gpt-4o-mini", "none", "narrow", "4xx", "rate_limited")));
        Assert.Equal(8, m.Sum("switchyard_requests_total"));

        Assert.Equal(1, m.Value("switchyard_rate_limit_rejections_total", ("limit", "rpm"), ("scope", "key")));
        Assert.Equal(1, m.Value("switchyard_fallbacks_total", ("from", "dead-model"), ("to", "gpt-4o-mini")));
        Assert.Equal(1, m.Value("switchyard_retries_total", ("model", "dead-model"), ("channel", "unreachable")));
        // dead-model's two failures plus dead-only's first make three: allowed_fails opens the key's circuit, so
        // dead-only gets no retry.
        Assert.Null(m.Value("switchyard_retries_total", ("model", "dead-only"), ("channel", "unreachable")));
        Assert.Equal(3, m.Value("switchyard_upstream_attempt_duration_seconds_count", ("channel", "unreachable"), ("model", "dead-model"), ("status_class", "5xx"))
            + m.Value("switchyard_upstream_attempt_duration_seconds_count", ("channel", "unreachable"), ("model", "dead-only"), ("status_class", "5xx")));
        Assert.Equal(6, m.Value("switchyard_upstream_attempt_duration_seconds_count", ("channel", "mock"), ("model", "gpt-4o-mini"), ("status_class", "2xx")));

        Assert.Equal(5, m.Value("gen_ai_client_operation_duration_seconds_count", ("protocol", "chat.completions"), ("model", "gpt-4o-mini"), ("channel", "mock"), ("group", "team"), ("status_class", "2xx")));
        Assert.Equal(1, m.Value("gen_ai_client_operation_time_to_first_chunk_seconds_count", ("protocol", "chat.completions"), ("model", "gpt-4o-mini"), ("channel", "mock"), ("group", "team")));
        Assert.Equal(8, m.Value("switchyard_gateway_overhead_seconds_count", ("protocol", "chat.completions")));

        // Tokens and cost equal the ledger's, type by type.
        Assert.True(ledger.Sum(r => r.Usage.Input) > 0);
        Assert.Equal(ledger.Sum(r => r.Usage.Input), m.Sum("switchyard_tokens_total", ("type", "input")));
        Assert.Equal(ledger.Sum(r => r.Usage.Output), m.Sum("switchyard_tokens_total", ("type", "output")));
        Assert.Equal(ledger.Sum(r => r.Usage.Cached), m.Sum("switchyard_tokens_total", ("type", "cached")));
        Assert.Equal(ledger.Sum(r => r.Usage.Reasoning), m.Sum("switchyard_tokens_total", ("type", "reasoning")));
        Assert.Equal(ledger.Count(r => r.Usage.Total > 0), m.Sum("gen_ai_client_token_usage_count", ("gen_ai_token_type", "input")));
        Assert.Equal(ledger.Sum(r => r.Usage.Input), m.Sum("gen_ai_client_token_usage_sum", ("gen_ai_token_type", "input")));
        Assert.Equal((double)ledger.Sum(r => r.CostUsd), m.Sum("switchyard_cost_usd_total"), 12);

        // Circuit state per channel key, by index, never the secret.
        Assert.Equal(1, m.Value("switchyard_circuit_state", ("channel", "mock"), ("key", "0"), ("state", "closed")));
        Assert.Equal(1, m.Value("switchyard_circuit_state", ("channel", "unreachable"), ("key", "0"), ("state", "open")));
        Assert.Equal(0, m.Value("switchyard_circuit_state", ("channel", "unreachable"), ("key", "0"), ("state", "closed")));
        Assert.NotNull(m.Value("switchyard_ledger_queue_depth"));
        Assert.Equal(0, m.Value("switchyard_ledger_journal_size_bytes"));
        Assert.True(m.Value("process_cpu_seconds_total") > 0);
        Assert.True(m.Value("process_resident_memory_bytes") > 0);

        // Bounded labels only, and no secret anywhere in the exposition.
        Assert.DoesNotContain(m.LabelSets("switchyard_requests_total"), l => l.ContainsKey("key"));
        foreach (var secret in new[] { GatewayHarness.ClientKey, GatewayHarness.NarrowKey, "mock-upstream-key", "nobody-home", Token })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        var (exit, output) = await PrometheusTools.PromtoolAsync(text, "check", "metrics");
        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task Per_key_series_only_when_switched_on()
    {
        await using var gateway = await StartAsync(perKey: true);
        await ScriptedTrafficAsync(gateway);
        var m = new MetricsText(await ScrapeAsync(gateway));
        Assert.Equal(5, m.Sum("switchyard_requests_total", ("key", "client-key"), ("status_class", "2xx")));
        Assert.Equal(2, m.Sum("switchyard_requests_total", ("key", "narrow-key")));
        Assert.True(m.Sum("switchyard_tokens_total", ("key", "client-key")) > 0);
        // Histograms stay per model/channel/group whatever the switch says.
        Assert.DoesNotContain(m.LabelSets("gen_ai_client_operation_duration_seconds_count"), l => l.ContainsKey("key"));
    }

    [Fact]
    public async Task Health_check_results_are_exported_per_channel_key()
    {
        await using var gateway = await StartAsync();
        var checker = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Switchyard.Resilience.HealthChecker>(gateway.Host.Services);
        var before = new MetricsText(await ScrapeAsync(gateway));
        Assert.Empty(before.LabelSets("switchyard_health_check_up"));

        await checker.RunOnceAsync(CancellationToken.None);

        var m = new MetricsText(await ScrapeAsync(gateway));
        Assert.Equal(1, m.Value("switchyard_health_check_up", ("channel", "mock"), ("key", "0")));
        Assert.Equal(0, m.Value("switchyard_health_check_up", ("channel", "unreachable"), ("key", "0")));
        Assert.Equal(1, m.Value("switchyard_health_checks_total", ("channel", "mock"), ("result", "ok")));
        Assert.Equal(1, m.Value("switchyard_health_checks_total", ("channel", "unreachable"), ("result", "unreachable")));
    }

    [Fact]
    public async Task Metrics_need_the_token_when_one_is_set()
    {
        await using var gateway = await StartAsync();
        using var anonymous = await gateway.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token + "x");
        using var wrongResponse = await gateway.Http.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Contains("switchyard_", await ScrapeAsync(gateway), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_can_be_switched_off()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: c => c with { Metrics = new MetricsConfig { Enabled = false } });
        using var response = await gateway.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_real_prometheus_server_scrapes_the_gateway_and_counts_the_requests()
    {
        await using var gateway = await StartAsync();
        await ScriptedTrafficAsync(gateway);
        await using var prometheus = await PrometheusServer.StartAsync(gateway.BaseAddress, Token);
        var total = await prometheus.QueryUntilAsync("sum(switchyard_requests_total)", v => v >= 8, TimeSpan.FromSeconds(30));
        Assert.Equal(8, total);
        var rateLimited = await prometheus.QueryUntilAsync("sum(switchyard_requests_total{outcome=\"rate_limited\"})", _ => true, TimeSpan.FromSeconds(10));
        Assert.Equal(1, rateLimited);
    }
}
