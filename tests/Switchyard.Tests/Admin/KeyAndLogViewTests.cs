using System.Net;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Admin;

/// <summary>IP allowlists, the request log's filters and pages, and the group and user quota views.</summary>
public sealed class KeyAndLogViewTests
{
    private static async Task<HttpStatusCode> ChatAsync(GatewayHarness gateway, string key, string model = "gpt-4o-mini")
    {
        using var response = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", key));
        return response.StatusCode;
    }

    /// <summary>Three requests of wang's key (group team), one of the narrow group's key, one of lead's key on gpt-4o.</summary>
    private static async Task SeedAsync(GatewayHarness gateway)
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await ChatAsync(gateway, GatewayHarness.ClientKey));
        }
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(gateway, GatewayHarness.NarrowKey));
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(gateway, TenancyFixture.LeadKey, "gpt-4o"));
        await gateway.LedgerAsync(expectAtLeast: 5);
    }

    [Fact]
    public async Task AllowedIps_RefuseOtherNetworks()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        var outside = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Post, "/admin/keys", """{"name":"office","group":"team","allowed_ips":["10.0.0.0/8"]}""", expect: 201);
        var inside = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Post, "/admin/keys", """{"name":"local","group":"team","allowed_ips":["10.0.0.0/8","127.0.0.0/8"]}""", expect: 201);
        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Post, "/admin/keys", """{"name":"bad","group":"team","allowed_ips":["10.0.0/8x"]}""", expect: 400);

        Assert.Equal(HttpStatusCode.Forbidden, await ChatAsync(gateway, outside.GetProperty("key").GetString()!));
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(gateway, inside.GetProperty("key").GetString()!));
        Assert.Equal(["10.0.0.0/8", "127.0.0.0/8"], inside.GetProperty("allowed_ips").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task RequestLog_FiltersPagesAndScopesToTheCaller()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        await SeedAsync(gateway);

        var all = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/requests");
        Assert.Equal(5, all.GetProperty("data").GetArrayLength());
        var page1 = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/requests?limit=2");
        var page2 = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, $"/admin/requests?limit=2&cursor={page1.GetProperty("next_cursor").GetString()}");
        var page3 = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, $"/admin/requests?limit=2&cursor={page2.GetProperty("next_cursor").GetString()}");
        var paged = new[] { page1, page2, page3 }.SelectMany(p => p.GetProperty("data").EnumerateArray()).Select(r => r.GetProperty("request_id").GetString()).ToList();
        Assert.Equal(all.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("request_id").GetString()), paged);
        Assert.False(page3.TryGetProperty("next_cursor", out _));

        var model = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/requests?model=gpt-4o");
        Assert.Equal("lead-key", model.GetProperty("data").EnumerateArray().Single().GetProperty("key").GetString());
        var narrow = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/requests?group=narrow");
        Assert.Single(narrow.GetProperty("data").EnumerateArray());

        // A user sees its own requests, a group admin its group's, and neither may ask for more.
        var own = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/requests", key: GatewayHarness.ClientKey);
        Assert.Equal(3, own.GetProperty("data").GetArrayLength());
        Assert.All(own.GetProperty("data").EnumerateArray(), r => Assert.Equal("wang", r.GetProperty("user").GetString()));
        var team = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/requests", key: TenancyFixture.LeadKey);
        Assert.Equal(4, team.GetProperty("data").GetArrayLength());
        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/requests?group=narrow", key: TenancyFixture.LeadKey, expect: 403);
        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/requests?user=lead", key: GatewayHarness.ClientKey, expect: 403);
    }

    [Fact]
    public async Task Usage_FiltersAndScopesToTheCaller_FromRollupsAndRecords()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        await SeedAsync(gateway);

        static Dictionary<string, long> Requests(System.Text.Json.JsonElement report) =>
            report.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString() ?? "", r => r.GetProperty("requests").GetInt64());

        // Whole days (the rollups) and a range ending now (today's records) must scope alike.
        var recent = $"from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"))}";
        foreach (var range in new[] { "", recent })
        {
            var everyone = Requests(await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, $"/admin/usage?group_by=key&{range}"));
            Assert.Equal(new Dictionary<string, long> { ["client-key"] = 3, ["narrow-key"] = 1, ["lead-key"] = 1 }, everyone);
            var filtered = Requests(await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, $"/admin/usage?group_by=key&model=gpt-4o&group=team&{range}"));
            Assert.Equal(new Dictionary<string, long> { ["lead-key"] = 1 }, filtered);

            var team = Requests(await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, $"/admin/usage?group_by=key&{range}", key: TenancyFixture.LeadKey));
            Assert.Equal(new Dictionary<string, long> { ["client-key"] = 3, ["lead-key"] = 1 }, team);
            var own = Requests(await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, $"/admin/usage?group_by=user&{range}", key: GatewayHarness.ClientKey));
            Assert.Equal(new Dictionary<string, long> { ["wang"] = 3 }, own);
            var otherLead = Requests(await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, $"/admin/usage?group_by=group&{range}", key: TenancyFixture.OtherLeadKey));
            Assert.Equal(new Dictionary<string, long> { ["narrow"] = 1 }, otherLead);
        }

        var csv = await gateway.Http.SendAsync(TenancyFixture.Request(HttpMethod.Get, "/admin/usage?group_by=key&format=csv", null, GatewayHarness.ClientKey));
        var lines = (await csv.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("client-key,3,", lines[1], StringComparison.Ordinal);

        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/usage?group=narrow", key: TenancyFixture.LeadKey, expect: 403);
        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/usage?user=lead", key: GatewayHarness.ClientKey, expect: 403);
    }

    /// <summary>
    /// A key is changed in place (name, models, limits, expiry, allowed IPs) and keeps working with the new settings;
    /// the change is audited; config keys, revoked keys, bad input, strangers and anonymous callers are refused. The
    /// list shows each key's last day of use and its spend this month.
    /// </summary>
    [Fact]
    public async Task KeyEdit_ChangesSettingsInPlace_IsAudited_AndTheListShowsUseAndSpend()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        var http = gateway.Http;
        var created = await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/keys", """{"name":"editable","group":"team","user":"wang"}""", expect: 201);
        var id = created.GetProperty("id").GetString()!;
        var secret = created.GetProperty("key").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(gateway, secret, "gpt-4o"));

        var changed = await TenancyFixture.SendAsync(http, HttpMethod.Patch, $"/admin/keys/{id}",
            """{"name":"renamed","models":["gpt-4o-mini"],"limits":{"rpm":3},"expires_at":"2099-01-01T00:00:00Z","allowed_ips":["127.0.0.0/8"]}""", key: GatewayHarness.ClientKey);
        Assert.Equal("renamed", changed.GetProperty("name").GetString());
        Assert.Equal(["gpt-4o-mini"], changed.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(3, changed.GetProperty("limits").GetProperty("rpm").GetInt32());
        Assert.Equal(created.GetProperty("key_hint").GetString(), changed.GetProperty("key_hint").GetString());
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(gateway, secret, "gpt-4o-mini"));
        Assert.NotEqual(HttpStatusCode.OK, await ChatAsync(gateway, secret, "gpt-4o"));
        var cleared = await TenancyFixture.SendAsync(http, HttpMethod.Patch, $"/admin/keys/{id}", """{"never_expires":true}""");
        Assert.False(cleared.TryGetProperty("expires_at", out var expiry) && expiry.ValueKind != System.Text.Json.JsonValueKind.Null);

        var audit = await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/audit?action=key.update");
        var entry = audit.GetProperty("data").EnumerateArray().Last();
        Assert.Equal(("wang", id), (entry.GetProperty("actor").GetString(), entry.GetProperty("target").GetString()));
        Assert.Contains("renamed", entry.GetProperty("changes").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, audit.GetRawText(), StringComparison.Ordinal);

        await TenancyFixture.SendAsync(http, HttpMethod.Patch, $"/admin/keys/{id}", """{"models":["no-such-model"]}""", expect: 400);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, $"/admin/keys/{id}", """{"name":""}""", expect: 400);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, $"/admin/keys/{id}", """{"name":"lead-key"}""", expect: 409);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, $"/admin/keys/{id}", """{"limits":{"rpm":5}}""", key: TenancyFixture.OtherLeadKey, expect: 404);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, $"/admin/keys/{id}", """{"limits":{"rpm":5}}""", key: null, expect: 401);
        var configKey = (await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/keys?user=wang")).GetProperty("data").EnumerateArray()
            .First(k => k.GetProperty("source").GetString() == "config").GetProperty("id").GetString();
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, $"/admin/keys/{configKey}", """{"limits":{"rpm":5}}""", expect: 409);

        await gateway.LedgerAsync(expectAtLeast: 2);
        var list = await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/keys");
        var client = list.GetProperty("data").EnumerateArray().Single(k => k.GetProperty("name").GetString() == "client-key");
        Assert.Equal("0", client.GetProperty("spend_this_month_usd").GetString());
        Assert.False(client.TryGetProperty("last_used_day", out _));
        var used = list.GetProperty("data").EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
        Assert.Equal(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), used.GetProperty("last_used_day").GetString());

        await TenancyFixture.SendAsync(http, HttpMethod.Delete, $"/admin/keys/{id}");
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, $"/admin/keys/{id}", """{"limits":{"rpm":5}}""", expect: 409);
    }

    [Fact]
    public async Task GroupAndUserViews_ShowUseAndRemainingQuota()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Patch, "/admin/groups/team", """{"limits":{"rpm":100,"tokens_per_day":1000000}}""");
        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Patch, "/admin/users/wang", """{"limits":{"rpm":10}}""");
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await ChatAsync(gateway, GatewayHarness.ClientKey));
        }

        var group = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/groups/team", key: TenancyFixture.LeadKey);
        var groupRpm = group.GetProperty("quota").EnumerateArray().Single(q => q.GetProperty("limit").GetString() == "rpm");
        Assert.Equal(("100", "2", "98"), (groupRpm.GetProperty("value").GetString(), groupRpm.GetProperty("used").GetString(), groupRpm.GetProperty("remaining").GetString()));
        var tokens = group.GetProperty("quota").EnumerateArray().Single(q => q.GetProperty("limit").GetString() == "tokens_per_day");
        Assert.NotEqual("0", tokens.GetProperty("used").GetString());

        var user = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/users/wang", key: GatewayHarness.ClientKey);
        var userRpm = Assert.Single(user.GetProperty("quota").EnumerateArray());
        Assert.Equal(("10", "2", "8"), (userRpm.GetProperty("value").GetString(), userRpm.GetProperty("used").GetString(), userRpm.GetProperty("remaining").GetString()));
        Assert.False(user.GetProperty("has_password").GetBoolean());
    }
}
