using System.Net;
using System.Text.Json;
using Switchyard.Configuration;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Quotas;

public sealed class QuotaIntegrationTests
{
    private static Task<GatewayHarness> StartAsync(LimitsConfig keyLimits, LimitsConfig? groupLimits = null) =>
        GatewayHarness.StartAsync(customize: c => c with
        {
            Keys = [.. c.Keys.Select(k => k.Name == "client-key" ? k with { Limits = keyLimits } : k)],
            Groups = [.. c.Groups.Select(g => g.Name == "team" ? g with { Limits = groupLimits } : g)],
        });

    [Fact]
    public async Task KeyRpm_OverTheLimit_Is429InOpenAiShapeWithRetryAfter()
    {
        await using var gateway = await StartAsync(new LimitsConfig { Rpm = 2 });
        const string json = """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""";

        using var first = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", json));
        using var second = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", json));
        using var third = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", json));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(("2", "1"), (first.Headers.GetValues("x-ratelimit-limit-requests").Single(), first.Headers.GetValues("x-ratelimit-remaining-requests").Single()));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((HttpStatusCode)429, third.StatusCode);
        Assert.InRange(int.Parse(third.Headers.GetValues("retry-after").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        var error = JsonDocument.Parse(await third.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("Rate limit reached for key client-key: rpm 2 per minute.", error.GetProperty("message").GetString());
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        Assert.Equal(2, gateway.Mock.Requests.Count);
        var records = await gateway.LedgerAsync(3);
        Assert.Single(records, r => r.Status == 429 && r.ErrorKind == "rate_limited");
    }

    [Fact]
    public async Task GroupModelLimit_AppliesToThatModelOnly_InAnthropicShapeOnMessages()
    {
        await using var gateway = await StartAsync(new LimitsConfig(), new LimitsConfig
        {
            Models = new Dictionary<string, LimitsConfig> { ["claude-sonnet-4-5"] = new() { Rpm = 1 } },
        });
        var request = () =>
        {
            var message = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
            {
                Content = new StringContent("""{"model":"claude-sonnet-4-5","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"),
            };
            message.Headers.Add("x-api-key", GatewayHarness.ClientKey);
            message.Headers.Add("anthropic-version", "2023-06-01");
            return message;
        };

        using var first = await gateway.Http.SendAsync(request());
        using var second = await gateway.Http.SendAsync(request());
        using var other = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        var error = JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("rate_limit_error", error.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("group team model claude-sonnet-4-5: rpm 1 per minute", error.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task DollarBudget_StopsSpendingOnceReached()
    {
        // Each call really costs 7 × 2.50 + 5 × 10.00 USD per 1M = 0.0000675 USD and reserves about 0.00011 USD
        // (its body's bytes / 4 prompt tokens plus max_tokens 5): three calls fit in the budget, the fourth's reservation does not.
        await using var gateway = await StartAsync(new LimitsConfig { UsdTotal = 0.00025m });
        const string json = """{"model":"gpt-4o","max_tokens":5,"messages":[{"role":"user","content":"four words right here"}]}""";

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", json));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, (HttpStatusCode)429, (HttpStatusCode)429], statuses);
        var spent = (await gateway.LedgerAsync(5)).Sum(r => r.CostUsd);
        Assert.Equal(3 * 0.0000675m, spent);
    }

    [Fact]
    public async Task GroupRpm_SharedThroughRedis_HoldsAcrossTwoInstances()
    {
        // A group name of its own, so counters left in Redis by other runs never meet this one.
        var group = "team-" + Guid.NewGuid().ToString("N")[..8];
        GatewayConfig Shared(GatewayConfig c) => c with
        {
            Storage = c.Storage with { Redis = Environment.GetEnvironmentVariable("SWITCHYARD_TEST_REDIS") ?? throw new InvalidOperationException("SWITCHYARD_TEST_REDIS is not set: run scripts/test.") },
            Groups = [new GroupConfig { Name = group, Limits = new LimitsConfig { Rpm = 3 } }, .. c.Groups.Where(g => g.Name != "team")],
            Users = [.. c.Users.Select(u => u.Group == "team" ? u with { Group = group } : u)],
            Keys = [.. c.Keys.Select(k => k.Group == "team" ? k with { Group = group } : k)],
        };
        await using var first = await GatewayHarness.StartAsync(customize: Shared);
        await using var second = await GatewayHarness.StartAsync(customize: Shared);
        const string json = """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""";

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            var gateway = i % 2 == 0 ? first : second;
            using var response = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", json));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(3, statuses.Count(s => s == (HttpStatusCode)429));
    }

    [Fact]
    public async Task Readyz_ReportsAnUnreachableRedis()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: c => c with
        {
            Storage = c.Storage with { Redis = "redis://127.0.0.1:9/0" },
        });

        using var response = await gateway.Http.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("redis unreachable", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AdminKeyView_ShowsUsedAndRemainingPerLimit()
    {
        await using var gateway = await StartAsync(new LimitsConfig { Rpm = 5, UsdTotal = 1m });
        using (await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"four words right here"}]}""")))
        {
        }
        await gateway.LedgerAsync(1);
        using var list = new HttpRequestMessage(HttpMethod.Get, "/admin/keys") { Headers = { Authorization = new("Bearer", GatewayHarness.MasterKey) } };
        var keys = JsonDocument.Parse(await (await gateway.Http.SendAsync(list)).Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        var id = keys.EnumerateArray().Single(k => k.GetProperty("name").GetString() == "client-key").GetProperty("id").GetString();
        using var one = new HttpRequestMessage(HttpMethod.Get, $"/admin/keys/{id}") { Headers = { Authorization = new("Bearer", GatewayHarness.MasterKey) } };

        var quota = JsonDocument.Parse(await (await gateway.Http.SendAsync(one)).Content.ReadAsStringAsync()).RootElement.GetProperty("quota");

        Assert.Equal(("rpm", "5", "1", "4"), (quota[0].GetProperty("limit").GetString(), quota[0].GetProperty("value").GetString(),
            quota[0].GetProperty("used").GetString(), quota[0].GetProperty("remaining").GetString()));
        Assert.Equal(("usd_total", "0.0000675", "0.9999325"), (quota[1].GetProperty("limit").GetString(),
            quota[1].GetProperty("used").GetString(), quota[1].GetProperty("remaining").GetString()));
    }
}
