using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Hosting;
using Switchyard.MockUpstream;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Admin;

/// <summary>
/// Routing rules and splits through <c>/admin/routes</c>: super admins create, change, reorder and delete the stored
/// ones (validated as the config's are, audited), every instance applies them within a poll, and group admins read
/// only the rules that concern their group or no group.
/// </summary>
public sealed class RoutesAdminTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    private static RouteRuleConfig Rule(string name, params string[] groups) => new()
    {
        Name = name,
        Model = "gpt-4o",
        When = new RouteConditions { Groups = groups, Headers = new Dictionary<string, string> { ["x-never"] = "1" } },
        Target = new RouteTarget { Model = "gpt-4o-mini" },
    };

    private static GatewayConfig WithGreen(GatewayConfig c)
    {
        var mock = c.Channels.Single(ch => ch.Name == "mock");
        return TenancyFixture.Company(c) with { Channels = [.. c.Channels, mock with { Name = "green-channel", Keys = ["green-key"], Priority = -10 }] };
    }

    private static string SplitBody(string name, decimal blue) =>
        $$$"""{"name":"{{{name}}}","model":"gpt-4o","split":{"sticky":"header:x-user-id","arms":[{"name":"blue","percent":{{{blue}}},"channels":["mock"]},{"name":"green","percent":{{{100 - blue}}},"channels":["green-channel"]}]}}""";

    private static string[] Names(JsonElement list) => [.. list.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("name").GetString()!)];

    [Fact]
    public async Task List_GroupAdmin_SeesOnlyRulesOfItsGroupOrNoGroup()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: c => TenancyFixture.Company(c) with
        {
            Routes = [Rule("everyone"), Rule("team-only", "team"), Rule("narrow-only", "narrow"), Rule("both", "team", "narrow")],
        });
        var http = gateway.Http;

        Assert.Equal(["everyone", "team-only", "narrow-only", "both"], Names(await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/routes", key: TenancyFixture.BossKey)));
        var lead = await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/routes", key: TenancyFixture.LeadKey);
        Assert.Equal(["everyone", "team-only", "both"], Names(lead));
        Assert.Equal(["everyone", "narrow-only", "both"], Names(await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/routes", key: TenancyFixture.OtherLeadKey)));
        // A rule shared with another group shows only the reader's own group: the other group's name stays hidden.
        var both = lead.GetProperty("data").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "both");
        Assert.Equal(["team"], both.GetProperty("when").GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.DoesNotContain("narrow", lead.GetRawText(), StringComparison.Ordinal);

        await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/routes/team-only", key: TenancyFixture.LeadKey);
        await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/routes/narrow-only", key: TenancyFixture.LeadKey, expect: 404);
    }

    [Fact]
    public async Task Routes_CreateChangeReorderDelete_SuperAdminOnly_Audited()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: c => WithGreen(c) with { Routes = [Rule("from-file")] });
        var http = gateway.Http;

        var created = await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/routes", SplitBody("ab", 50), key: TenancyFixture.BossKey, expect: 201);
        Assert.Equal("api", created.GetProperty("source").GetString());
        Assert.True(created.GetProperty("enabled").GetBoolean());
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/routes",
            """{"name":"mini","model":"gpt-4o","when":{"headers":{"x-tier":"cheap"}},"target":{"model":"gpt-4o-mini"}}""", expect: 201);

        // Config rules first, then the stored ones in their order.
        var list = await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/routes");
        Assert.Equal(["from-file", "ab", "mini"], Names(list));
        Assert.Equal(["config", "api", "api"], list.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("source").GetString()));

        var patched = await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/routes/ab",
            """{"enabled":false,"split":{"sticky":"key","arms":[{"name":"blue","percent":10,"channels":["mock"]},{"name":"green","percent":90,"channels":["green-channel"]}]}}""");
        Assert.False(patched.GetProperty("enabled").GetBoolean());
        Assert.Equal(90m, patched.GetProperty("split").GetProperty("arms")[1].GetProperty("percent").GetDecimal());
        Assert.Equal("gpt-4o", patched.GetProperty("model").GetString());

        // A PATCH that gives a target drops the split (a rule has one or the other).
        var retargeted = await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/routes/ab", """{"target":{"channels":["green-channel"]}}""");
        Assert.Equal(JsonValueKind.Null, retargeted.GetProperty("split").ValueKind);

        Assert.Equal(["from-file", "mini", "ab"], Names(await TenancyFixture.SendAsync(http, HttpMethod.Put, "/admin/routes/order", """{"names":["mini","ab"]}""")));
        await TenancyFixture.SendAsync(http, HttpMethod.Put, "/admin/routes/order", """{"names":["mini"]}""", expect: 400);

        // The file's rules are read-only here, and nobody below super admin writes.
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/routes/from-file", """{"enabled":false}""", expect: 409);
        await TenancyFixture.SendAsync(http, HttpMethod.Delete, "/admin/routes/from-file", expect: 409);
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/routes", SplitBody("from-file", 50), expect: 409);
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/routes", SplitBody("ab", 50), expect: 409);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/routes/nope", """{"enabled":false}""", expect: 404);
        foreach (var key in new[] { TenancyFixture.LeadKey, GatewayHarness.ClientKey })
        {
            await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/routes", SplitBody("x", 50), key: key, expect: 403);
            await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/routes/ab", """{"enabled":true}""", key: key, expect: 403);
            await TenancyFixture.SendAsync(http, HttpMethod.Put, "/admin/routes/order", """{"names":["ab","mini"]}""", key: key, expect: 403);
            await TenancyFixture.SendAsync(http, HttpMethod.Delete, "/admin/routes/ab", key: key, expect: 403);
        }

        await TenancyFixture.SendAsync(http, HttpMethod.Delete, "/admin/routes/ab", key: TenancyFixture.BossKey, expect: 204);
        await TenancyFixture.SendAsync(http, HttpMethod.Delete, "/admin/routes/ab", expect: 404);
        Assert.Equal(["from-file", "mini"], Names(await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/routes")));

        var audit = await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/audit?target_type=route");
        var actions = audit.GetProperty("data").EnumerateArray().Select(e => (e.GetProperty("action").GetString(), e.GetProperty("target").GetString(), e.GetProperty("actor").GetString())).ToList();
        Assert.Contains(("route.create", "ab", "boss"), actions);
        Assert.Contains(("route.update", "ab", "master"), actions);
        Assert.Contains(("route.reorder", "routes", "master"), actions);
        Assert.Contains(("route.delete", "ab", "boss"), actions);
    }

    [Theory]
    [InlineData("""{"name":"a","model":"gpt-4o","split":{"arms":[{"name":"x","percent":60},{"name":"y","percent":30}]}}""", "split.arms")]
    [InlineData("""{"name":"a","model":"gpt-4o","target":{"model":"m"},"split":{"arms":[{"name":"x","percent":100}]}}""", "target")]
    [InlineData("""{"name":"a","model":"gpt-4o"}""", "target")]
    [InlineData("""{"name":"a","model":"gpt-4o","when":{"protocols":["grpc"]},"target":{"model":"m"}}""", "when.protocols[0]")]
    [InlineData("""{"name":"a/b","model":"gpt-4o","target":{"model":"m"}}""", "name")]
    [InlineData("""{"model":"gpt-4o","target":{"model":"m"}}""", "name")]
    [InlineData("""{"name":"a","target":{"model":"m"}}""", "model")]
    [InlineData("""{"name":"a","model":"gpt-4o","target":{}}""", "target")]
    [InlineData("""{"name":"a","model":"gpt-4o","split":{"sticky":"cookie","arms":[{"name":"x","percent":100}]}}""", "split.sticky")]
    [InlineData("""{"name":"a","model":"gpt-4o","split":{"arms":[{"name":"x","percent":50},{"name":"x","percent":50}]}}""", "split.arms[1].name")]
    public async Task Create_InvalidRule_400NamingTheField(string body, string field)
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);

        using var response = await gateway.Http.SendAsync(TenancyFixture.Request(HttpMethod.Post, "/admin/routes", body, GatewayHarness.MasterKey));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(field, error.GetProperty("param").GetString());
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task RuleCreatedOnAdminInstance_TakesEffectOnRelayInstance_NamedInLedger(DatabaseKind kind)
    {
        await using var mock = await MockUpstreamServer.StartAsync(0);
        var config = WithGreen(GatewayHarness.DefaultConfig(mock.BaseAddress, await TestDatabases.CreateAsync(kind)));
        await using var admin = await SwitchyardHost.StartAsync(config, logging => logging.ClearProviders(), role: InstanceRole.Admin);
        await using var relay = await SwitchyardHost.StartAsync(config, logging => logging.ClearProviders(), role: InstanceRole.Relay);
        using var a = new HttpClient { BaseAddress = admin.Address };
        using var r = new HttpClient { BaseAddress = relay.Address };

        Assert.Null((await ChatAsync(r, "caller-1")).Route);
        await TenancyFixture.SendAsync(a, HttpMethod.Post, "/admin/routes", SplitBody("ab", 0), expect: 201);
        var applied = await WithinAsync(async () => (await ChatAsync(r, "caller-1")).Route == "ab");
        Assert.True(applied < Bound, $"the new rule reached the relay after {applied}");
        Assert.Equal(("ab", "green"), await ChatAsync(r, "caller-2"));

        await TenancyFixture.SendAsync(a, HttpMethod.Patch, "/admin/routes/ab", """{"enabled":false}""");
        var disabled = await WithinAsync(async () => (await ChatAsync(r, "caller-1")).Route is null);
        Assert.True(disabled < Bound, $"disabling reached the relay after {disabled}");

        var ledger = relay.Services.GetRequiredService<Switchyard.Billing.LedgerWriter>();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await ledger.FlushAsync(timeout.Token);
        }
        var records = await relay.Services.GetRequiredService<LedgerStore>().RecentAsync(1000, CancellationToken.None);
        Assert.Contains(records, x => x.Route == "ab" && x.Arm == "green" && x.Channel == "green-channel");
        Assert.Contains(records, x => x.Route is null && x.Arm is null && x.Channel == "mock");
        Assert.DoesNotContain(records, x => x.Route == "ab" && x.Arm != "green");
    }

    [Fact]
    public async Task SplitPatchedTo100Percent_UnderLoad_NoFailedRequest()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: WithGreen);
        var http = gateway.Http;
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/routes", SplitBody("blue-green", 50), expect: 201);

        var results = new System.Collections.Concurrent.ConcurrentQueue<(long Sent, HttpStatusCode Status, string? Arm)>();
        long switchedAt = long.MaxValue;
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var load = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var sent = clock.ElapsedTicks;
                using var request = gateway.Post("/v1/chat/completions", """{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
                request.Headers.Add("x-user-id", $"w{w}-{i % 50}");
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                var arm = response.Headers.TryGetValues("x-switchyard-arm", out var values) ? values.Single() : null;
                results.Enqueue((sent, body.Contains("[DONE]", StringComparison.Ordinal) ? response.StatusCode : HttpStatusCode.InternalServerError, arm));
            }
        })).ToArray();

        // Both arms serve before the switch.
        await WithinAsync(() => Task.FromResult(results.Any(x => x.Arm == "blue") && results.Any(x => x.Arm == "green")));
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/routes/blue-green",
            """{"split":{"sticky":"header:x-user-id","arms":[{"name":"blue","percent":0,"channels":["mock"]},{"name":"green","percent":100,"channels":["green-channel"]}]}}""");
        Interlocked.Exchange(ref switchedAt, clock.ElapsedTicks);
        var afterSwitch = results.Count;
        await WithinAsync(() => Task.FromResult(results.Count > afterSwitch + 100));
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.All(results, x => Assert.Equal(HttpStatusCode.OK, x.Status));
        var after = results.Where(x => x.Sent > switchedAt).ToList();
        Assert.NotEmpty(after);
        Assert.All(after, x => Assert.Equal("green", x.Arm));
    }

    private static async Task<TimeSpan> WithinAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the change never arrived");
            await Task.Delay(20);
        }
        return clock.Elapsed;
    }

    private static async Task<(string? Route, string? Arm)> ChatAsync(HttpClient client, string caller)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", GatewayHarness.ClientKey);
        request.Headers.Add("x-user-id", caller);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response.Headers.TryGetValues("x-switchyard-route", out var route) ? route.Single() : null,
            response.Headers.TryGetValues("x-switchyard-arm", out var arm) ? arm.Single() : null);
    }
}
