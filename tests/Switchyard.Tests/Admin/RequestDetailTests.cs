using System.Net;
using System.Text.Json;
using Switchyard.Configuration;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Admin;

/// <summary>
/// One request's full record (<c>GET /admin/requests/{id}</c>): the attempt chain, fallback, error text, tokens and
/// cost, scoped like the request log; and refusals (before any upstream) kept in the log but out of usage.
/// </summary>
public sealed class RequestDetailTests
{
    private const string LimitedKey = "sk-sy-test-limited-key-00000000000000007";
    private const string UnknownKey = "sk-sy-test-nobody-has-this-key-000000000";

    private static GatewayConfig Config(GatewayConfig c) => TenancyFixture.Company(c) with
    {
        Models = [.. c.Models, new ModelConfig { Name = "dead-model", Fallbacks = ["gpt-4o-mini"], Price = new PriceConfig { Input = 100m, Output = 100m } }],
        Keys = [.. TenancyFixture.Company(c).Keys, new KeyConfig { Name = "limited-key", Secret = LimitedKey, Group = "team", Limits = new LimitsConfig { Rpm = 1 } }],
    };

    private static async Task<(HttpStatusCode Status, string Id)> ChatAsync(GatewayHarness gateway, string? key, string model, string text = "hi")
    {
        using var response = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions",
            JsonSerializer.Serialize(new { model, messages = new[] { new { role = "user", content = text } } }), key));
        return (response.StatusCode, response.Headers.GetValues("x-request-id").Single());
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> DetailAsync(GatewayHarness gateway, string id, string key = GatewayHarness.MasterKey)
    {
        using var response = await gateway.Http.SendAsync(TenancyFixture.Request(HttpMethod.Get, $"/admin/requests/{id}", null, key));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static Dictionary<string, long> Requests(JsonElement report) =>
        report.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString() ?? "—", r => r.GetProperty("requests").GetInt64());

    /// <summary>
    /// Unknown model, bad key, model not allowed and limit reached: in the request log (so in the error count), but
    /// neither in usage by model or key (no "—" row) nor in the token and cost totals; whole days and partial ranges alike.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task Refusals_InRequestLogAndErrors_NotInUsage(DatabaseKind kind)
    {
        await using var gateway = await GatewayHarness.StartAsync(kind, Config);
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(gateway, GatewayHarness.ClientKey, "gpt-4o-mini")).Status);
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(gateway, LimitedKey, "gpt-4o-mini")).Status);
        var refused = new[]
        {
            await ChatAsync(gateway, GatewayHarness.ClientKey, "no-such-model"),
            await ChatAsync(gateway, UnknownKey, "gpt-4o-mini"),
            await ChatAsync(gateway, GatewayHarness.NarrowKey, "gpt-4o"),
            await ChatAsync(gateway, LimitedKey, "gpt-4o-mini"),
        };
        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.TooManyRequests],
            refused.Select(r => r.Status));

        var log = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/requests");
        var rows = log.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(6, rows.Count);
        Assert.Equal(4, rows.Count(r => r.GetProperty("status").GetInt32() >= 400));
        Assert.All(refused, r => Assert.True(rows.Single(row => row.GetProperty("request_id").GetString() == r.Id).GetProperty("refused").GetBoolean()));

        var recent = $"from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"))}";
        foreach (var range in new[] { "", recent })
        {
            Assert.Equal(new Dictionary<string, long> { ["gpt-4o-mini"] = 2 }, Requests(await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, $"/admin/usage?group_by=model&{range}")));
            Assert.Equal(new Dictionary<string, long> { ["client-key"] = 1, ["limited-key"] = 1 },
                Requests(await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, $"/admin/usage?group_by=key&{range}")));
            var days = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, $"/admin/usage?group_by=day&{range}");
            Assert.Equal(2, days.GetProperty("rows").EnumerateArray().Sum(r => r.GetProperty("requests").GetInt64()));
        }
    }

    /// <summary>A fallback: every attempt in order (channel, key hint, status, latency, error), the fallback and the cost.</summary>
    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task Detail_Fallback_ShowsTheAttemptChainAndCost(DatabaseKind kind)
    {
        await using var gateway = await GatewayHarness.StartAsync(kind, Config);
        var (status, id) = await ChatAsync(gateway, GatewayHarness.ClientKey, "dead-model", "three words here");
        Assert.Equal(HttpStatusCode.OK, status);

        var (detailStatus, detail) = await DetailAsync(gateway, id);
        Assert.Equal(HttpStatusCode.OK, detailStatus);
        Assert.Equal(("dead-model", "gpt-4o-mini", "dead-model", 200), (detail.GetProperty("requested_model").GetString(),
            detail.GetProperty("served_model").GetString(), detail.GetProperty("fallback_from").GetString(), detail.GetProperty("status").GetInt32()));
        Assert.False(detail.GetProperty("refused").GetBoolean());
        var attempts = detail.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(["unreachable", "mock"], attempts.Select(a => a.GetProperty("channel").GetString()));
        // Secrets under 12 characters show no characters at all.
        Assert.Equal(("unreachable#0", "…"), (attempts[0].GetProperty("key").GetString(), attempts[0].GetProperty("key_hint").GetString()));
        Assert.Equal("upstream_unreachable", attempts[0].GetProperty("error_kind").GetString());
        Assert.False(string.IsNullOrEmpty(attempts[0].GetProperty("error").GetString()));
        Assert.Equal((200, "…-key"), (attempts[1].GetProperty("status").GetInt32(), attempts[1].GetProperty("key_hint").GetString()));
        Assert.True(attempts[1].GetProperty("latency_ms").GetInt64() >= 0);
        Assert.True(detail.GetProperty("input_tokens").GetInt64() > 0);
        Assert.NotEqual("0", detail.GetProperty("cost_usd").GetString());
        Assert.DoesNotContain("nobody-home", detail.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("mock-upstream-key", detail.GetRawText(), StringComparison.Ordinal);

        // An upstream failure passed through to the client: no refusal, and the upstream's own (redacted) text is kept.
        var (failedStatus, failed) = await ChatAsync(gateway, GatewayHarness.ClientKey, "gpt-4o-mini", "[mock:status=503]");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failedStatus);
        var upstream = (await DetailAsync(gateway, failed)).Body;
        Assert.False(upstream.GetProperty("refused").GetBoolean());
        Assert.Contains("service_unavailable", upstream.GetProperty("error").GetString()!, StringComparison.Ordinal);
        var failedAttempt = upstream.GetProperty("attempts").EnumerateArray().Single();
        Assert.Equal(503, failedAttempt.GetProperty("status").GetInt32());
        Assert.Contains("overloaded", failedAttempt.GetProperty("error").GetString()!, StringComparison.Ordinal);

        // A single attempt is kept too: the detail always shows where a request went.
        var (_, plain) = await ChatAsync(gateway, GatewayHarness.ClientKey, "gpt-4o-mini");
        var single = (await DetailAsync(gateway, plain)).Body;
        Assert.Equal("mock", single.GetProperty("attempts").EnumerateArray().Single().GetProperty("channel").GetString());
        Assert.False(single.TryGetProperty("fallback_from", out var none) && none.ValueKind != JsonValueKind.Null);
    }

    /// <summary>A refusal: its error text, no attempts, no cost; and the chain of a request retried past the cap keeps the first and last attempts.</summary>
    [Fact]
    public async Task Detail_RefusedAndLongChains_ErrorTextAndBoundedAttempts()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: c => Config(c) with
        {
            Router = c.Router with { NumRetries = 11 },
            Channels = [.. c.Channels, .. Enumerable.Range(1, 11).Select(i => new ChannelConfig
            {
                Name = $"dead-{i}", Type = "openai", BaseUrl = "http://127.0.0.1:9/v1", Keys = ["nobody-home"], Models = ["dead-model"],
            })],
        });
        var (status, id) = await ChatAsync(gateway, GatewayHarness.ClientKey, "no-such-model");
        Assert.Equal(HttpStatusCode.NotFound, status);
        var refused = (await DetailAsync(gateway, id)).Body;
        Assert.True(refused.GetProperty("refused").GetBoolean());
        Assert.Equal("model_not_found", refused.GetProperty("error_kind").GetString());
        Assert.Contains("no-such-model", refused.GetProperty("error").GetString()!, StringComparison.Ordinal);
        Assert.Empty(refused.GetProperty("attempts").EnumerateArray());
        Assert.Equal("0", refused.GetProperty("cost_usd").GetString());

        var (longStatus, longId) = await ChatAsync(gateway, GatewayHarness.ClientKey, "dead-model");
        Assert.Equal(HttpStatusCode.OK, longStatus);
        var chain = (await DetailAsync(gateway, longId)).Body;
        var attempts = chain.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(8, attempts.Count);
        Assert.Equal(13, chain.GetProperty("attempt_count").GetInt32());
        Assert.Equal("mock", attempts[^1].GetProperty("channel").GetString());
        Assert.All(attempts[..^1], a => Assert.StartsWith("upstream_unreachable", a.GetProperty("error_kind").GetString(), StringComparison.Ordinal));
    }

    /// <summary>The detail answers whom the request log answers: a user its own keys', a group admin its group's; else 404 as for a missing id.</summary>
    [Fact]
    public async Task Detail_ScopedLikeTheRequestLog_ForEachActorAndTarget()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: Config);
        var (_, wangs) = await ChatAsync(gateway, GatewayHarness.ClientKey, "gpt-4o-mini");
        var (_, leads) = await ChatAsync(gateway, TenancyFixture.LeadKey, "gpt-4o-mini");
        var (_, narrow) = await ChatAsync(gateway, GatewayHarness.NarrowKey, "gpt-4o-mini");
        var (_, anonymous) = await ChatAsync(gateway, UnknownKey, "gpt-4o-mini");

        var cases = new (string Actor, string Key, string Id, HttpStatusCode Expected)[]
        {
            ("super admin", GatewayHarness.MasterKey, wangs, HttpStatusCode.OK),
            ("super admin", GatewayHarness.MasterKey, narrow, HttpStatusCode.OK),
            ("super admin", TenancyFixture.BossKey, anonymous, HttpStatusCode.OK),
            ("group admin of team", TenancyFixture.LeadKey, wangs, HttpStatusCode.OK),
            ("group admin of team", TenancyFixture.LeadKey, narrow, HttpStatusCode.NotFound),
            ("group admin of team", TenancyFixture.LeadKey, anonymous, HttpStatusCode.NotFound),
            ("group admin of narrow", TenancyFixture.OtherLeadKey, narrow, HttpStatusCode.OK),
            ("group admin of narrow", TenancyFixture.OtherLeadKey, wangs, HttpStatusCode.NotFound),
            ("user wang", GatewayHarness.ClientKey, wangs, HttpStatusCode.OK),
            ("user wang", GatewayHarness.ClientKey, leads, HttpStatusCode.NotFound),
            ("user wang", GatewayHarness.ClientKey, narrow, HttpStatusCode.NotFound),
            ("user wang", GatewayHarness.ClientKey, anonymous, HttpStatusCode.NotFound),
            ("user wang", GatewayHarness.ClientKey, "req_does_not_exist", HttpStatusCode.NotFound),
        };
        foreach (var (actor, key, id, expected) in cases)
        {
            var (status, body) = await DetailAsync(gateway, id, key);
            Assert.True(expected == status, $"{actor} reading {id}: expected {expected}, got {status}");
            if (status == HttpStatusCode.OK)
            {
                Assert.Equal(id, body.GetProperty("request_id").GetString());
            }
        }
        var (missingStatus, missing) = await DetailAsync(gateway, "req_does_not_exist", TenancyFixture.LeadKey);
        var (otherStatus, other) = await DetailAsync(gateway, narrow, TenancyFixture.LeadKey);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (missingStatus, otherStatus));
        Assert.Equal(missing.GetProperty("error").GetProperty("code").GetString(), other.GetProperty("error").GetProperty("code").GetString());
        using var anonymousCall = await gateway.Http.SendAsync(TenancyFixture.Request(HttpMethod.Get, $"/admin/requests/{wangs}", null, null));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousCall.StatusCode);
    }
}
