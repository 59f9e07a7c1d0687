using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Configuration;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Telemetry;

/// <summary>
/// Alert webhooks driven by the real gateway against the mock upstream, received by a local HTTP server: the body of
/// each format, signatures checked by an independent computation, thresholds once per period, rate limiting, retries
/// and the delivery record of <c>GET /admin/alerts</c>.
/// </summary>
public sealed class AlertDeliveryTests
{
    private const string Secret = "SECwebhook-signing-secret-0001";
    private const string Token = "hooktoken-0123456789abcdef";

    private static GatewayConfig WithAlerts(GatewayConfig config, IReadOnlyList<WebhookConfig> webhooks, TimeSpan? minInterval = null) => config with
    {
        Alerts = new AlertsConfig
        {
            Webhooks = webhooks,
            MinInterval = minInterval ?? TimeSpan.FromHours(1),
            CheckInterval = TimeSpan.FromMilliseconds(50),
            RetryBackoff = TimeSpan.FromMilliseconds(50),
            MaxAttempts = 3,
            Timeout = TimeSpan.FromSeconds(5),
        },
    };

    private static async Task<JsonElement[]> DeliveriesAsync(GatewayHarness gateway, string query = "")
    {
        var list = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/alerts" + query);
        return [.. list.GetProperty("data").EnumerateArray()];
    }

    /// <summary>Polls the record until <paramref name="count"/> deliveries match (each is written once its attempts end).</summary>
    private static async Task<JsonElement[]> WaitForDeliveriesAsync(GatewayHarness gateway, int count, string query = "")
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var rows = await DeliveriesAsync(gateway, query);
            if (rows.Length >= count || DateTime.UtcNow > deadline)
            {
                return rows;
            }
            await Task.Delay(25);
        }
    }

    private static string[] Properties(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    private static string HmacBase64(byte[] key, byte[] message)
    {
        using var hmac = new HMACSHA256(key);
        return Convert.ToBase64String(hmac.ComputeHash(message));
    }

    private static async Task FailAsync(GatewayHarness gateway, string model)
    {
        using var response = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions",
            $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi [mock:status=500]"}]}"""));
        Assert.Equal(500, (int)response.StatusCode);
    }

    [Fact]
    public async Task ChannelDown_CircuitOpens_EachFormatGetsItsBodyAndValidSignature()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        string[] events = ["channel_down"];
        await using var gateway = await GatewayHarness.StartAsync(customize: c => WithAlerts(c with { Router = c.Router with { AllowedFails = 2 } },
        [
            new WebhookConfig { Name = "ops-generic", Url = receiver.Url("/generic"), Format = "generic", Events = events, Secret = Secret },
            new WebhookConfig { Name = "ops-slack", Url = receiver.Url("/services/T000/B000/" + Token), Format = "slack", Events = events },
            new WebhookConfig { Name = "ops-feishu", Url = receiver.Url("/open-apis/bot/v2/hook/" + Token), Format = "feishu", Events = events, Secret = Secret },
            new WebhookConfig { Name = "ops-dingtalk", Url = receiver.Url("/robot/send?access_token=" + Token), Format = "dingtalk", Events = events, Secret = Secret },
        ]));
        receiver.Answer("/open-apis/bot/v2/hook/" + Token, (200, """{"code":0,"msg":"success","data":{}}"""));
        receiver.Answer("/robot/send", (200, """{"errcode":0,"errmsg":"ok"}"""));

        await FailAsync(gateway, "gpt-4o");
        await FailAsync(gateway, "gpt-4o");

        // The key's circuit opened (subject mock#0); the channel has no other key, so the channel is down too (subject mock).
        var generic = await receiver.WaitForAsync("/generic", 2);
        var slack = await receiver.WaitForAsync("/services/T000/B000/" + Token, 2);
        var feishu = await receiver.WaitForAsync("/open-apis/bot/v2/hook/" + Token, 2);
        var ding = await receiver.WaitForAsync("/robot/send", 2);

        var keyAlert = generic.Select(r => JsonDocument.Parse(r.Body).RootElement).Single(b => b.GetProperty("subject").GetString() == "mock#0");
        Assert.Equal(["event", "subject", "severity", "message", "time", "details"], Properties(keyAlert));
        Assert.Equal("channel_down", keyAlert.GetProperty("event").GetString());
        Assert.Equal("warning", keyAlert.GetProperty("severity").GetString());
        Assert.Contains("channel mock key #0", keyAlert.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(["channel", "key", "reason"], Properties(keyAlert.GetProperty("details")));
        Assert.Equal("mock", keyAlert.GetProperty("details").GetProperty("channel").GetString());
        Assert.Equal("0", keyAlert.GetProperty("details").GetProperty("key").GetString());
        Assert.Equal("circuit_open", keyAlert.GetProperty("details").GetProperty("reason").GetString());
        Assert.True(DateTimeOffset.UtcNow - keyAlert.GetProperty("time").GetDateTimeOffset() < TimeSpan.FromMinutes(1));
        var channelAlert = generic.Select(r => JsonDocument.Parse(r.Body).RootElement).Single(b => b.GetProperty("subject").GetString() == "mock");
        Assert.Equal("critical", channelAlert.GetProperty("severity").GetString());

        // Generic: hex HMAC-SHA256 of "timestamp.body" keyed by the secret.
        foreach (var request in generic)
        {
            var timestamp = request.Headers["x-switchyard-timestamp"];
            using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(Secret));
            var expected = "sha256=" + Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes(timestamp + "." + request.Body)));
            Assert.Equal(expected, request.Headers["x-switchyard-signature"]);
        }

        foreach (var request in slack)
        {
            var body = JsonDocument.Parse(request.Body).RootElement;
            Assert.Equal(["text"], Properties(body));
            Assert.StartsWith("[Switchyard ", body.GetProperty("text").GetString(), StringComparison.Ordinal);
        }
        Assert.Contains(slack, r => JsonDocument.Parse(r.Body).RootElement.GetProperty("text").GetString()!
            .StartsWith("[Switchyard warning] channel_down: The circuit of channel mock key #0 opened", StringComparison.Ordinal));

        // Feishu: timestamp in seconds and sign in the body; the HMAC key is "timestamp\nsecret", the message empty.
        foreach (var request in feishu)
        {
            var body = JsonDocument.Parse(request.Body).RootElement;
            Assert.Equal(["timestamp", "sign", "msg_type", "content"], Properties(body));
            Assert.Equal("text", body.GetProperty("msg_type").GetString());
            Assert.Equal(["text"], Properties(body.GetProperty("content")));
            Assert.Contains("channel_down", body.GetProperty("content").GetProperty("text").GetString(), StringComparison.Ordinal);
            var timestamp = body.GetProperty("timestamp").GetString()!;
            Assert.InRange(long.Parse(timestamp, CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
            Assert.Equal(HmacBase64(Encoding.UTF8.GetBytes(timestamp + "\n" + Secret), []), body.GetProperty("sign").GetString());
        }

        // DingTalk: timestamp in milliseconds and the URL-encoded sign in the query; the HMAC key is the secret.
        foreach (var request in ding)
        {
            var body = JsonDocument.Parse(request.Body).RootElement;
            Assert.Equal(["msgtype", "text"], Properties(body));
            Assert.Equal("text", body.GetProperty("msgtype").GetString());
            Assert.Equal(["content"], Properties(body.GetProperty("text")));
            var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(request.Query);
            Assert.Equal(Token, query["access_token"].ToString());
            var timestamp = query["timestamp"].ToString();
            Assert.InRange(long.Parse(timestamp, CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1);
            Assert.Equal(HmacBase64(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(timestamp + "\n" + Secret)), query["sign"].ToString());
        }

        var rows = await WaitForDeliveriesAsync(gateway, 8);
        Assert.Equal(8, rows.Length);
        Assert.All(rows, r => Assert.Equal("delivered", r.GetProperty("status").GetString()));
        Assert.All(rows, r => Assert.Equal(1, r.GetProperty("attempts").GetInt32()));
        Assert.Equal(["ops-dingtalk", "ops-feishu", "ops-generic", "ops-slack"], rows.Select(r => r.GetProperty("webhook").GetString()!).Distinct().Order());
        var listing = (await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/alerts")).GetRawText();
        Assert.DoesNotContain(Token, listing, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, listing, StringComparison.Ordinal);

        using var scrape = await gateway.Http.GetAsync("/metrics");
        var metrics = new MetricsText(await scrape.Content.ReadAsStringAsync());
        Assert.Equal(8, metrics.Value("switchyard_alerts_sent_total", ("event", "channel_down"), ("outcome", "delivered")));
    }

    [Fact]
    public async Task KeyDisabled_UpstreamRefusesTheKey_Delivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(customize: c => WithAlerts(c with
        {
            Channels = [.. c.Channels, new ChannelConfig
            {
                Name = "refused", Type = "openai", BaseUrl = c.Channels[0].BaseUrl, Keys = ["mock-invalid-key"], Models = ["refused-model"],
            }],
        }, [new WebhookConfig { Name = "ops", Url = receiver.Url("/hook"), Events = ["key_disabled"] }]));

        using var response = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions",
            """{"model":"refused-model","messages":[{"role":"user","content":"hi"}]}"""));
        // The client is not at fault: the gateway answers 502 for an upstream that refused its key.
        Assert.Equal(502, (int)response.StatusCode);

        var received = await receiver.WaitForAsync("/hook", 1);
        var body = JsonDocument.Parse(Assert.Single(received).Body).RootElement;
        Assert.Equal("key_disabled", body.GetProperty("event").GetString());
        Assert.Equal("refused#0", body.GetProperty("subject").GetString());
        Assert.Equal("critical", body.GetProperty("severity").GetString());
        Assert.DoesNotContain("mock-invalid-key", body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChannelDown_HealthCheckFails_DeliveredOnceWhileItKeepsFailing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(customize: c => WithAlerts(c,
            [new WebhookConfig { Name = "ops", Url = receiver.Url("/hook"), Events = ["channel_down"] }], minInterval: TimeSpan.Zero));
        var checker = gateway.Host.Services.GetRequiredService<Switchyard.Resilience.HealthChecker>();

        // The "unreachable" channel points at a closed port.
        static bool AboutUnreachable(ReceivedWebhook r) => JsonDocument.Parse(r.Body).RootElement.GetProperty("subject").GetString() == "unreachable#0";
        await checker.RunOnceAsync(CancellationToken.None);
        var received = await receiver.WaitForAsync("/hook", 1, AboutUnreachable);
        var body = JsonDocument.Parse(Assert.Single(received).Body).RootElement;
        Assert.Equal("warning", body.GetProperty("severity").GetString());
        Assert.Equal("health_check", body.GetProperty("details").GetProperty("reason").GetString());
        Assert.StartsWith("unreachable", body.GetProperty("details").GetProperty("probe").GetString(), StringComparison.Ordinal);

        // A probe that fails again is the same outage, not news (even with no rate limit).
        await Task.Delay(20);
        await checker.RunOnceAsync(CancellationToken.None);
        await Task.Delay(300);
        Assert.Single(receiver.At("/hook"), AboutUnreachable);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task Budget_Crossing80Then100_EachDeliveredOncePerPeriod(DatabaseKind database)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(database, c => WithAlerts(c with
        {
            Channels = [c.Channels[0] with { Models = [.. c.Channels[0].Models, "metered"] }, .. c.Channels.Skip(1)],
            // $0.001 per prompt token: a 100-token prompt costs $0.10, against a $0.25 monthly budget.
            Models = [.. c.Models, new ModelConfig { Name = "metered", Price = new PriceConfig { Input = 1000m, Output = 0m } }],
            Groups = [.. c.Groups, new GroupConfig { Name = "capped", Limits = new LimitsConfig { UsdPerMonth = 0.25m } }],
            Keys = [.. c.Keys, new KeyConfig { Name = "capped-key", Secret = "sk-sy-test-capped-key-0000000000000001", Group = "capped" }],
        }, [new WebhookConfig { Name = "finance", Url = receiver.Url("/budget"), Events = ["budget_80", "budget_100"] }]));
        // 97 words + 3 per message = 100 prompt tokens; the body is ~280 bytes, so the reservation is ~70 tokens ($0.07).
        var prompt = string.Join(' ', Enumerable.Repeat("a", 97));
        async Task<int> SendAsync()
        {
            using var response = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions",
                $$"""{"model":"metered","max_tokens":16,"messages":[{"role":"user","content":"{{prompt}}"}]}""", "sk-sy-test-capped-key-0000000000000001"));
            return (int)response.StatusCode;
        }

        Assert.Equal(200, await SendAsync()); // $0.10: 40%
        await Task.Delay(200);
        Assert.Empty(receiver.At("/budget"));

        Assert.Equal(200, await SendAsync()); // $0.20: 80%
        var first = await receiver.WaitForAsync("/budget", 1);
        var at80 = JsonDocument.Parse(Assert.Single(first).Body).RootElement;
        var month = DateTimeOffset.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        Assert.Equal("budget_80", at80.GetProperty("event").GetString());
        Assert.Equal($"group capped usd_per_month {month}", at80.GetProperty("subject").GetString());
        Assert.Equal("0.2", at80.GetProperty("details").GetProperty("spent_usd").GetString());
        Assert.Equal("0.25", at80.GetProperty("details").GetProperty("budget_usd").GetString());
        Assert.Equal("80", at80.GetProperty("details").GetProperty("percent").GetString());

        // The next reservation would overshoot: refused, and the budget is used up.
        Assert.Equal(429, await SendAsync());
        Assert.Equal(429, await SendAsync());
        var both = await receiver.WaitForAsync("/budget", 2);
        var at100 = JsonDocument.Parse(both[1].Body).RootElement;
        Assert.Equal("budget_100", at100.GetProperty("event").GetString());
        Assert.Equal("critical", at100.GetProperty("severity").GetString());
        Assert.Equal($"group capped usd_per_month {month}", at100.GetProperty("subject").GetString());

        // Further refusals in the same month send nothing more.
        Assert.Equal(429, await SendAsync());
        await Task.Delay(300);
        Assert.Equal(2, receiver.At("/budget").Count);
        var rows = await WaitForDeliveriesAsync(gateway, 2);
        Assert.Equal(["budget_100", "budget_80"], rows.Select(r => r.GetProperty("event").GetString()!).Order());

        using var scrape = await gateway.Http.GetAsync("/metrics");
        var metrics = new MetricsText(await scrape.Content.ReadAsStringAsync());
        Assert.Equal(0.25, metrics.Value("switchyard_budget_usd", ("group", "capped"), ("period", "month")));
        Assert.Equal(0.2, metrics.Value("switchyard_budget_spent_usd", ("group", "capped"), ("period", "month"))!.Value, 6);
    }

    private const string MismatchExport = "date,model,input_tokens,output_tokens,cost\n2026-11-30,gpt-4o,1000,1000,5\n";

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task ReconciliationMismatch_Repeated_SecondSuppressedAndRecorded(DatabaseKind database)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(database, c => WithAlerts(c,
            [new WebhookConfig { Name = "billing", Url = receiver.Url("/rec"), Events = ["reconciliation_mismatch"] }]));

        for (var i = 0; i < 2; i++)
        {
            var report = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Post, "/admin/reconciliation?channel=mock&day=2026-11-30", MismatchExport, expect: 201);
            Assert.Equal("mismatch", report.GetProperty("verdict").GetString());
        }

        var rows = await WaitForDeliveriesAsync(gateway, 2);
        Assert.Equal(["delivered", "suppressed"], rows.Select(r => r.GetProperty("status").GetString()!).Order());
        Assert.All(rows, r => Assert.Equal("channel mock day 2026-11-30", r.GetProperty("subject").GetString()));
        Assert.Equal(0, rows.Single(r => r.GetProperty("status").GetString() == "suppressed").GetProperty("attempts").GetInt32());
        var body = JsonDocument.Parse(Assert.Single(receiver.At("/rec")).Body).RootElement;
        Assert.Equal("reconciliation_mismatch", body.GetProperty("event").GetString());
        Assert.Equal("gpt-4o", body.GetProperty("details").GetProperty("models").GetString());
        Assert.Single(await DeliveriesAsync(gateway, "?status=suppressed"));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task TwoInstancesSharingADatabase_SeeTheSameMismatch_OneDeliveryAndOneSuppressed(DatabaseKind database)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var shared = await TestDatabases.CreateAsync(database);
        GatewayConfig Shared(GatewayConfig c) => WithAlerts(c with { Storage = c.Storage with { Database = shared } },
            [new WebhookConfig { Name = "billing", Url = receiver.Url("/rec"), Events = ["reconciliation_mismatch"] }]);
        await using var first = await GatewayHarness.StartAsync(database, Shared);
        await using var second = await GatewayHarness.StartAsync(database, Shared);

        await Task.WhenAll(new[] { first, second }.Select(async gateway =>
        {
            var report = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Post, "/admin/reconciliation?channel=mock&day=2026-11-30", MismatchExport, expect: 201);
            Assert.Equal("mismatch", report.GetProperty("verdict").GetString());
        }));

        var rows = await WaitForDeliveriesAsync(first, 2);
        Assert.Equal(["delivered", "suppressed"], rows.Select(r => r.GetProperty("status").GetString()!).Order());
        Assert.Equal("sent by another instance", rows.Single(r => r.GetProperty("status").GetString() == "suppressed").GetProperty("last_error").GetString());
        Assert.Single(receiver.At("/rec"));
    }

    [Fact]
    public async Task Delivery_500Then200_RetriedAndRecordedWithTwoAttempts_ExhaustedRetriesRecordRedactedError()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(customize: c => WithAlerts(c,
        [
            new WebhookConfig { Name = "flaky", Url = receiver.Url("/flaky"), Events = ["reconciliation_mismatch"] },
            new WebhookConfig { Name = "broken", Url = receiver.Url("/broken/" + Token), Events = ["reconciliation_mismatch"] },
        ]));
        receiver.Answer("/flaky", (500, "try again"));
        // The failing receiver echoes its URL, token included: the recorded error must not repeat it.
        receiver.Answer("/broken/" + Token, (503, "no route for {url}"), (503, "no route for {url}"), (503, "no route for {url}"));

        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Post, "/admin/reconciliation?channel=mock&day=2026-11-30", MismatchExport, expect: 201);

        var rows = await WaitForDeliveriesAsync(gateway, 2);
        var flaky = rows.Single(r => r.GetProperty("webhook").GetString() == "flaky");
        Assert.Equal("delivered", flaky.GetProperty("status").GetString());
        Assert.Equal(2, flaky.GetProperty("attempts").GetInt32());
        Assert.Equal(200, flaky.GetProperty("http_status").GetInt32());
        var attempts = receiver.At("/flaky");
        Assert.Equal(2, attempts.Count);
        Assert.Equal(attempts[0].Body, attempts[1].Body);

        var broken = rows.Single(r => r.GetProperty("webhook").GetString() == "broken");
        Assert.Equal("failed", broken.GetProperty("status").GetString());
        Assert.Equal(3, broken.GetProperty("attempts").GetInt32());
        Assert.Equal(503, broken.GetProperty("http_status").GetInt32());
        var error = broken.GetProperty("last_error").GetString()!;
        Assert.StartsWith("HTTP 503: no route for ", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, error, StringComparison.Ordinal);
        Assert.Equal(3, receiver.At("/broken/" + Token).Count);

        using var scrape = await gateway.Http.GetAsync("/metrics");
        var metrics = new MetricsText(await scrape.Content.ReadAsStringAsync());
        Assert.Equal(1, metrics.Value("switchyard_alerts_sent_total", ("event", "reconciliation_mismatch"), ("outcome", "failed")));
    }
}
