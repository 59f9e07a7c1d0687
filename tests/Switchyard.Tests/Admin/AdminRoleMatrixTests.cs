using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Admin;

/// <summary>Every admin endpoint against every role: what each may do, and a 403 in the admin error shape for what it may not.</summary>
public sealed class AdminRoleMatrixTests
{
    private sealed record Caller(string Label, string Key);

    private static readonly Caller Master = new("master", GatewayHarness.MasterKey);
    private static readonly Caller Super = new("super", TenancyFixture.BossKey);
    private static readonly Caller Lead = new("lead", TenancyFixture.LeadKey);
    private static readonly Caller OtherLead = new("otherlead", TenancyFixture.OtherLeadKey);
    private static readonly Caller User = new("user", GatewayHarness.ClientKey);
    private static readonly Caller[] Everyone = [Master, Super, Lead, OtherLead, User];

    /// <param name="Allowed">Roles that succeed; every other role must get 403.</param>
    /// <param name="Hidden">Refused roles that may not even see the target: they get the answer a missing one gets (404, or 400 for a key's user).</param>
    private sealed record Row(string Method, string Pattern, Func<Caller, string> Path, Func<Caller, string?> Body, Caller[] Allowed, Caller[] Hidden);

    private static Row R(string method, string pattern, Func<Caller, string> path, Caller[] allowed, Func<Caller, string?>? body = null, Caller[]? hidden = null) =>
        new(method, pattern, path, body ?? (_ => null), allowed, hidden ?? []);

    [Fact]
    public async Task EveryEndpoint_EveryRole_AllowedOrForbidden()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        var http = gateway.Http;
        var mockUrl = new Uri(gateway.Mock.BaseAddress, "v1").ToString();
        var keyIds = new Dictionary<string, string>();
        var wangKey = (await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/keys?user=wang")).GetProperty("data")[0].GetProperty("id").GetString()!;

        // Targets of the allowed writes, one per caller, made by the master key.
        foreach (var c in Everyone)
        {
            await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/users", $$"""{"name":"del-{{c.Label}}","group":"team"}""", expect: 201);
            await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/groups", $$"""{"name":"gdel-{{c.Label}}"}""", expect: 201);
            var key = await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/keys", $$"""{"name":"revoke-{{c.Label}}","group":"team","user":"wang"}""", expect: 201);
            keyIds[c.Label] = key.GetProperty("id").GetString()!;
            var editable = await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/keys", $$"""{"name":"edit-{{c.Label}}","group":"team","user":"wang"}""", expect: 201);
            keyIds["edit-" + c.Label] = editable.GetProperty("id").GetString()!;
            foreach (var prefix in new[] { "chp", "chd" })
            {
                await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/channels",
                    $$"""{"name":"{{prefix}}-{{c.Label}}","type":"openai","base_url":"{{mockUrl}}","keys":["sk-upstream-{{prefix}}-0000000000"],"models":["gpt-4o"]}""", expect: 201);
            }
            await TenancyFixture.SendAsync(http, HttpMethod.Put, "/admin/models/md-" + c.Label, """{"price":{"input":1,"output":2}}""", expect: 201);
            foreach (var prefix in new[] { "rp", "rd" })
            {
                await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/routes", $$$"""{"name":"{{{prefix}}}-{{{c.Label}}}","model":"gpt-4o","target":{"model":"gpt-4o-mini"}}""", expect: 201);
            }
        }

        const string export = "date,model,input_tokens,output_tokens,cost\n2026-11-30,gpt-4o,0,0,0\n";
        var reportId = (await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/reconciliation?channel=mock&day=2026-11-30", export, expect: 201))
            .GetProperty("id").GetString()!;

        // One request of the team group with stored bodies, for the body endpoint's row.
        await gateway.Host.Services.GetRequiredService<Switchyard.Storage.LedgerStore>().InsertAsync([new Switchyard.Billing.UsageRecord
        {
            RequestId = "req_matrix_bodies",
            CreatedAt = DateTimeOffset.UtcNow,
            Endpoint = "chat.completions",
            Group = "team",
            Status = 200,
            LatencyMs = 1,
            Bodies = new Switchyard.Billing.RequestBodies("{}", "{}", false, false),
        }], default);

        Caller[] supers = [Master, Super];
        Caller[] teamAdmins = [Master, Super, Lead];
        Caller[] admins = [Master, Super, Lead, OtherLead];
        var rows = new List<Row>
        {
            R("GET", "/admin/users", _ => "/admin/users", Everyone),
            R("POST", "/admin/users", _ => "/admin/users", teamAdmins, c => $$"""{"name":"new-{{c.Label}}","group":"team","password":"{{TenancyFixture.Password}}"}"""),
            R("GET", "/admin/users/{name}", _ => "/admin/users/wang", [Master, Super, Lead, User], hidden: [OtherLead]),
            R("PATCH", "/admin/users/{name}", c => $"/admin/users/del-{c.Label}", teamAdmins, _ => """{"limits":{"rpm":5}}""", hidden: [OtherLead, User]),
            R("DELETE", "/admin/users/{name}", c => $"/admin/users/del-{c.Label}", teamAdmins, hidden: [OtherLead]),
            R("POST", "/admin/users/{name}/reset-link", _ => "/admin/users/wang/reset-link", teamAdmins, hidden: [OtherLead]),
            R("GET", "/admin/groups", _ => "/admin/groups", admins),
            R("POST", "/admin/groups", _ => "/admin/groups", supers, c => $$"""{"name":"grp-{{c.Label}}"}"""),
            R("GET", "/admin/groups/{name}", _ => "/admin/groups/team", teamAdmins),
            R("PATCH", "/admin/groups/{name}", _ => "/admin/groups/team", teamAdmins, _ => """{"limits":{"rpm":100000}}"""),
            R("GET", "/admin/groups/{name}/quota", _ => "/admin/groups/team/quota", [Master, Super, Lead, User]),
            R("GET", "/admin/groups/{name}/models", _ => "/admin/groups/team/models", [Master, Super, Lead, User]),
            R("DELETE", "/admin/groups/{name}", c => $"/admin/groups/gdel-{c.Label}", supers),
            R("GET", "/admin/keys", _ => "/admin/keys", Everyone),
            R("POST", "/admin/keys", _ => "/admin/keys", [Master, Super, Lead, User], c => $$"""{"name":"k-{{c.Label}}","group":"team","user":"wang"}""", hidden: [OtherLead]),
            R("GET", "/admin/keys/{id}", _ => $"/admin/keys/{wangKey}", [Master, Super, Lead, User], hidden: [OtherLead]),
            R("PATCH", "/admin/keys/{id}", c => $"/admin/keys/{keyIds["edit-" + c.Label]}", [Master, Super, Lead, User], _ => """{"limits":{"rpm":5}}""", hidden: [OtherLead]),
            R("DELETE", "/admin/keys/{id}", c => $"/admin/keys/{keyIds[c.Label]}", [Master, Super, Lead, User], hidden: [OtherLead]),
            R("GET", "/admin/channels", _ => "/admin/channels", supers),
            R("POST", "/admin/channels", _ => "/admin/channels", supers,
                c => $$"""{"name":"ch-{{c.Label}}","type":"openai","base_url":"{{mockUrl}}","keys":["sk-upstream-new-0000000000"],"models":["gpt-4o"]}"""),
            R("GET", "/admin/channels/{name}", _ => "/admin/channels/mock", supers),
            R("PATCH", "/admin/channels/{name}", c => $"/admin/channels/chp-{c.Label}", supers, _ => """{"weight":2}"""),
            R("DELETE", "/admin/channels/{name}", c => $"/admin/channels/chd-{c.Label}", supers),
            R("POST", "/admin/channels/{name}/test", c => $"/admin/channels/chp-{c.Label}/test", supers),
            R("POST", "/admin/channels/{name}/keys/{index}/test", c => $"/admin/channels/chp-{c.Label}/keys/0/test", supers),
            R("GET", "/admin/models", _ => "/admin/models", Everyone),
            R("PUT", "/admin/models/{name}", c => $"/admin/models/m-{c.Label}", supers, _ => """{"price":{"input":1,"output":2}}"""),
            R("DELETE", "/admin/models/{name}", c => $"/admin/models/md-{c.Label}", supers),
            R("GET", "/admin/usage", _ => "/admin/usage", Everyone),
            R("GET", "/admin/routes", _ => "/admin/routes", admins),
            R("GET", "/admin/routes/{name}", _ => "/admin/routes/rp-master", admins),
            // Before the rows below add and delete rules: the order names every stored rule.
            R("PUT", "/admin/routes/order", _ => "/admin/routes/order", supers,
                _ => $$"""{"names":[{{string.Join(",", new[] { "rd", "rp" }.SelectMany(p => Everyone.Select(e => $"\"{p}-{e.Label}\"")))}}]}"""),
            R("POST", "/admin/routes", _ => "/admin/routes", supers, c => $$$"""{"name":"r-{{{c.Label}}}","model":"gpt-4o","target":{"model":"gpt-4o-mini"}}"""),
            R("PATCH", "/admin/routes/{name}", c => $"/admin/routes/rp-{c.Label}", supers, _ => """{"enabled":false}"""),
            R("DELETE", "/admin/routes/{name}", c => $"/admin/routes/rd-{c.Label}", supers),
            R("POST", "/admin/reconciliation", _ => "/admin/reconciliation?channel=mock&day=2026-11-30", supers, _ => export),
            R("GET", "/admin/reconciliation", _ => "/admin/reconciliation", supers),
            R("GET", "/admin/reconciliation/{id}", _ => $"/admin/reconciliation/{reportId}", supers),
            R("GET", "/admin/alerts", _ => "/admin/alerts", supers),
            R("GET", "/admin/requests", _ => "/admin/requests", Everyone),
            R("GET", "/admin/prices", _ => "/admin/prices", supers),
            R("GET", "/admin/requests/{id}", _ => "/admin/requests/req_matrix_bodies", teamAdmins, hidden: [OtherLead, User]),
            R("GET", "/admin/requests/{id}/bodies", _ => "/admin/requests/req_matrix_bodies/bodies", teamAdmins, hidden: [OtherLead]),
            // In team: its members and super admins play there; the other group's admin may not.
            R("POST", "/admin/playground/v1/chat/completions", _ => "/admin/playground/v1/chat/completions?group=team", [Master, Super, Lead, User],
                _ => """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"""),
            R("POST", "/admin/playground/v1/responses", _ => "/admin/playground/v1/responses?group=team", [Master, Super, Lead, User],
                _ => """{"model":"gpt-4o-mini","input":"hi"}"""),
            R("POST", "/admin/playground/v1/messages", _ => "/admin/playground/v1/messages?group=team", [Master, Super, Lead, User],
                _ => """{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}"""),
            R("GET", "/admin/audit", _ => "/admin/audit", supers),
            R("GET", "/admin/audit/verify", _ => "/admin/audit/verify", supers),
            R("GET", "/admin/audit/export", _ => "/admin/audit/export", supers),
            R("GET", "/admin/openapi.json", _ => "/admin/openapi.json", Everyone),
        };

        var failures = new List<string>();
        foreach (var row in rows)
        {
            foreach (var caller in Everyone)
            {
                var path = row.Path(caller);
                using var response = await http.SendAsync(TenancyFixture.Request(new HttpMethod(row.Method), path, row.Body(caller), caller.Key));
                var text = await response.Content.ReadAsStringAsync();
                var status = (int)response.StatusCode;
                if (row.Allowed.Contains(caller))
                {
                    if (status is < 200 or >= 300)
                    {
                        failures.Add($"{caller.Label} {row.Method} {path}: expected success, got {status} {text}");
                    }
                }
                else if (row.Hidden.Contains(caller))
                {
                    var expected = row.Pattern == "/admin/keys" ? 400 : 404;
                    if (status != expected)
                    {
                        failures.Add($"{caller.Label} {row.Method} {path}: expected {expected} as for a missing target, got {status} {text}");
                    }
                }
                else if (status != 403 || JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("type").GetString() != "permission_error")
                {
                    failures.Add($"{caller.Label} {row.Method} {path}: expected 403 permission_error, got {status} {text}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // The matrix covers every admin endpoint the server maps: a new endpoint without rows fails here.
        var mapped = gateway.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.StartsWith("/admin/", StringComparison.Ordinal) && !raw.Contains("**", StringComparison.Ordinal)
                && raw != "/admin/session" && raw != "/admin/password-reset")
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .ToHashSet();
        var covered = rows.Select(r => $"{r.Method} {r.Pattern}").ToHashSet();
        Assert.Empty(mapped.Except(covered));
        Assert.Empty(covered.Except(mapped));
    }

    /// <summary>An action on another user or that user's keys, run as one caller against one fresh target.</summary>
    private sealed record TargetRow(string Label, Func<string, string> Path, string Method, Func<string, string, string?> Body, bool MasterMakesKey = false);

    /// <summary>
    /// The third dimension: the target user's role (and group). An admin acts on another user only if that user's role
    /// is below its own; only super admins (and the master key) act on super admins. A target the caller may not see
    /// answers exactly as a missing one would (404, or 400 "unknown user" in a key's body).
    /// </summary>
    [Fact]
    public async Task TargetRole_ActorRole_Endpoint_AllowedOrRefused()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        var http = gateway.Http;
        Caller[] actors = [Master, Super, Lead, User];
        string[] roles = ["user", "group_admin", "super_admin"];
        string[] groups = ["team", "narrow"];
        var rows = new TargetRow[]
        {
            new("create key", _ => "/admin/keys", "POST", (t, g) => $$"""{"name":"k-{{t}}","group":"{{g}}","user":"{{t}}"}"""),
            new("revoke key", t => $"/admin/keys/{{key:{t}}}", "DELETE", (_, _) => null, MasterMakesKey: true),
            new("edit key", t => $"/admin/keys/{{key:{t}}}", "PATCH", (_, _) => """{"limits":{"rpm":5}}""", MasterMakesKey: true),
            new("password", t => $"/admin/users/{t}", "PATCH", (_, _) => $$"""{"password":"{{TenancyFixture.Password}}"}"""),
            new("limits", t => $"/admin/users/{t}", "PATCH", (_, _) => """{"limits":{"rpm":5}}"""),
            new("unlock", t => $"/admin/users/{t}", "PATCH", (_, _) => """{"unlock":true}"""),
            new("role", t => $"/admin/users/{t}", "PATCH", (_, _) => """{"role":"user"}"""),
            new("delete user", t => $"/admin/users/{t}", "DELETE", (_, _) => null),
            new("reset link", t => $"/admin/users/{t}/reset-link", "POST", (_, _) => null),
        };

        var failures = new List<string>();
        var n = 0;
        foreach (var actor in actors)
        {
            foreach (var role in roles)
            {
                foreach (var group in groups)
                {
                    var allowed = actor == Master || actor == Super || (actor == Lead && group == "team" && role == "user");
                    var visible = actor == Master || actor == Super || (actor == Lead && group == "team");
                    foreach (var row in rows)
                    {
                        var target = $"t{n++}-{role}";
                        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/users", $$"""{"name":"{{target}}","group":"{{group}}","role":"{{role}}"}""", expect: 201);
                        var path = row.Path(target);
                        if (row.MasterMakesKey)
                        {
                            var id = (await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/keys", $$"""{"name":"m-{{target}}","group":"{{group}}","user":"{{target}}"}""", expect: 201))
                                .GetProperty("id").GetString()!;
                            path = path.Replace($"{{key:{target}}}", id, StringComparison.Ordinal);
                        }
                        using var response = await http.SendAsync(TenancyFixture.Request(new HttpMethod(row.Method), path, row.Body(target, group), actor.Key));
                        var status = (int)response.StatusCode;
                        var text = await response.Content.ReadAsStringAsync();
                        // A plain user meets the endpoint's role floor before any target is looked up.
                        var floor = actor == User && row.Label is "delete user" or "reset link";
                        var expected = allowed ? "success" : visible || floor ? "403" : row.Label == "create key" ? "400" : "404";
                        var ok = expected switch
                        {
                            "success" => status is >= 200 and < 300,
                            "403" => status == 403 && JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("type").GetString() == "permission_error",
                            _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture) == expected,
                        };
                        if (!ok)
                        {
                            failures.Add($"{actor.Label} -> {role} of {group}, {row.Label} ({row.Method} {path}): expected {expected}, got {status} {text}");
                        }
                    }
                }
            }
        }

        // Creating a user with a role is acting on that role too.
        foreach (var actor in actors)
        {
            foreach (var role in roles)
            {
                foreach (var group in groups)
                {
                    var allowed = actor == Master || actor == Super || (actor == Lead && group == "team" && role == "user");
                    using var response = await http.SendAsync(TenancyFixture.Request(HttpMethod.Post, "/admin/users",
                        $$"""{"name":"c{{n++}}-{{role}}","group":"{{group}}","role":"{{role}}"}""", actor.Key));
                    var status = (int)response.StatusCode;
                    if (allowed ? status != 201 : status != 403)
                    {
                        failures.Add($"{actor.Label} creates a {role} in {group}: expected {(allowed ? 201 : 403)}, got {status} {await response.Content.ReadAsStringAsync()}");
                    }
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task NoCredentials_EveryEndpoint_Is401()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        foreach (var (method, path) in new[] { ("GET", "/admin/users"), ("POST", "/admin/groups"), ("GET", "/admin/audit"), ("DELETE", "/admin/keys/x"),
            ("GET", "/admin/openapi.json"), ("GET", "/admin/nothing-here"), ("PATCH", "/admin/channels/mock") })
        {
            using var response = await gateway.Http.SendAsync(TenancyFixture.Request(new HttpMethod(method), path, "{}", key: null));
            var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
            Assert.Equal(401, (int)response.StatusCode);
            Assert.Equal("authentication_error", error.GetProperty("type").GetString());
        }
    }

    [Fact]
    public async Task KeyWithoutUser_OrUnknown_Is401()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        foreach (var key in new[] { GatewayHarness.NarrowKey, "sk-sy-not-a-key-at-all-000000000000000", GatewayHarness.ExpiredKey })
        {
            using var response = await gateway.Http.SendAsync(TenancyFixture.Request(HttpMethod.Get, "/admin/keys", null, key));
            Assert.Equal(401, (int)response.StatusCode);
        }
    }

    [Fact]
    public async Task GroupAdmin_CannotPromoteToSuperAdmin_OrMoveUsersOut()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        var http = gateway.Http;
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/users/wang", """{"role":"super_admin"}""", TenancyFixture.LeadKey, expect: 403);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/users/wang", """{"group":"narrow"}""", TenancyFixture.LeadKey, expect: 403);
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/users", """{"name":"x","group":"team","role":"super_admin"}""", TenancyFixture.LeadKey, expect: 403);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/users/boss", """{"limits":{"rpm":1}}""", TenancyFixture.LeadKey, expect: 403);
        // A user changes its own password, and nothing else about itself.
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/users/wang", """{"password":"a new long password"}""", GatewayHarness.ClientKey);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/users/wang", """{"role":"group_admin"}""", GatewayHarness.ClientKey, expect: 403);
        // Another user's name, even in one's own group, answers as a missing one.
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/users/lead", """{"password":"a new long password"}""", GatewayHarness.ClientKey, expect: 404);

        // Lists are cut to what each may see.
        var leadUsers = await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/users", key: TenancyFixture.LeadKey);
        Assert.All(leadUsers.GetProperty("data").EnumerateArray(), u => Assert.Equal("team", u.GetProperty("group").GetString()));
        var wangKeys = await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/keys", key: GatewayHarness.ClientKey);
        Assert.All(wangKeys.GetProperty("data").EnumerateArray(), k => Assert.Equal("wang", k.GetProperty("user").GetString()));
        var otherGroups = await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/groups", key: TenancyFixture.OtherLeadKey);
        Assert.Equal(["narrow"], otherGroups.GetProperty("data").EnumerateArray().Select(g => g.GetProperty("name").GetString()));
    }
}
