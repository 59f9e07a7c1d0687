using System.Text.Json;
using Switchyard.Configuration;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Hostile;

/// <summary>
/// A group admin (lead, of group team) trying to reach beyond its group or its role: taking over a super admin of its
/// own group, undoing the super admin's limits on its group, probing other groups' names, or using its key from
/// outside the networks the key allows.
/// </summary>
public sealed class GroupAdminTests
{
    private const string Lead = TenancyFixture.LeadKey;

    [Fact]
    public async Task CreateKey_ForSuperAdminOfOwnGroup_IsRefused_SoNoTakeover()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        var http = gateway.Http;

        // The chain from the issue: a key for the group's super admin, then that key reads channels and the audit log and
        // makes a super admin in another group. The first step must already fail.
        using var response = await http.SendAsync(TenancyFixture.Request(HttpMethod.Post, "/admin/keys", """{"name":"takeover","group":"team","user":"boss"}""", Lead));
        var text = await response.Content.ReadAsStringAsync();
        if (response.IsSuccessStatusCode)
        {
            var stolen = JsonDocument.Parse(text).RootElement.GetProperty("key").GetString();
            var channels = await http.SendAsync(TenancyFixture.Request(HttpMethod.Get, "/admin/channels", null, stolen));
            var audit = await http.SendAsync(TenancyFixture.Request(HttpMethod.Get, "/admin/audit", null, stolen));
            var promoted = await http.SendAsync(TenancyFixture.Request(HttpMethod.Post, "/admin/users", """{"name":"evil","group":"narrow","role":"super_admin"}""", stolen));
            Assert.Fail($"lead got a key of super admin boss ({(int)response.StatusCode}); with it: channels {(int)channels.StatusCode}, "
                + $"audit {(int)audit.StatusCode}, new super admin {(int)promoted.StatusCode}");
        }
        Assert.Equal(403, (int)response.StatusCode);
        Assert.Equal("permission_error", JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("type").GetString());

        // No key of boss came to be, and the refusal changed nothing in the audit log.
        var keys = await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/keys?user=boss");
        Assert.Equal(["boss-key"], keys.GetProperty("data").EnumerateArray().Select(k => k.GetProperty("name").GetString()));
        var entries = await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/audit?actor=lead");
        Assert.Empty(entries.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task GroupAdmin_PeerGroupAdmin_CannotTakeItsKeysOrPassword()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        var http = gateway.Http;
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/users", """{"name":"peer","group":"team","role":"group_admin"}""", expect: 201);
        var peerKey = (await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/keys", """{"name":"peer-key","group":"team","user":"peer"}""", expect: 201))
            .GetProperty("id").GetString();

        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/keys", """{"name":"p2","group":"team","user":"peer"}""", Lead, expect: 403);
        await TenancyFixture.SendAsync(http, HttpMethod.Delete, $"/admin/keys/{peerKey}", key: Lead, expect: 403);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/users/peer", """{"password":"a password lead knows"}""", Lead, expect: 403);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/users/peer", """{"unlock":true}""", Lead, expect: 403);
        await TenancyFixture.SendAsync(http, HttpMethod.Delete, "/admin/users/peer", key: Lead, expect: 403);
        // Nor may it make more admins of its own rank, or raise a user to it.
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/users", """{"name":"twin","group":"team","role":"group_admin"}""", Lead, expect: 403);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/users/wang", """{"role":"group_admin"}""", Lead, expect: 403);
        // Its own users stay its to manage.
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/keys", """{"name":"w2","group":"team","user":"wang"}""", Lead, expect: 201);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/users/wang", """{"limits":{"rpm":7}}""", Lead);
    }

    [Fact]
    public async Task AdminApi_KeyLimitedToOtherNetwork_IsRefused()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        var http = gateway.Http;
        var outside = (await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/keys",
            """{"name":"lead-office","group":"team","user":"lead","allowed_ips":["10.0.0.0/8"]}""", expect: 201)).GetProperty("key").GetString()!;
        var inside = (await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/keys",
            """{"name":"lead-local","group":"team","user":"lead","allowed_ips":["127.0.0.0/8"]}""", expect: 201)).GetProperty("key").GetString()!;

        // The client API refuses it from here (127.0.0.1) ...
        using (var chat = await http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", outside)))
        {
            Assert.Equal(403, (int)chat.StatusCode);
        }
        // ... and so does every admin surface, reads and writes alike.
        foreach (var (method, path, body) in new[] { ("GET", "/admin/keys", (string?)null), ("GET", "/admin/users/wang", null),
            ("POST", "/admin/keys", """{"name":"from-outside","group":"team","user":"wang"}"""), ("PATCH", "/admin/users/wang", """{"limits":{"rpm":1}}"""),
            ("GET", "/admin/openapi.json", null) })
        {
            using var response = await http.SendAsync(TenancyFixture.Request(new HttpMethod(method), path, body, outside));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(403 == (int)response.StatusCode, $"{method} {path}: {(int)response.StatusCode} {text[..Math.Min(200, text.Length)]}");
            Assert.Equal("address_not_allowed", JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("code").GetString());
        }
        var keys = await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/keys?user=wang");
        Assert.DoesNotContain("from-outside", keys.GetProperty("data").EnumerateArray().Select(k => k.GetProperty("name").GetString()));

        // A key allowed from here works as before.
        await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/keys", key: inside);
    }

    [Fact]
    public async Task OtherGroupsNames_ExistingOrMissing_AnswerByteForByteAlike()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        var http = gateway.Http;
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/users", """{"name":"n-user","group":"narrow"}""", expect: 201);
        var narrowKey = (await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/keys", """{"name":"n-key","group":"narrow","user":"n-user"}""", expect: 201))
            .GetProperty("id").GetString()!;
        var missingKey = "key_" + new string('0', narrowKey.Length - 4);

        // (caller, an existing name or id it may not see, a missing one of the same shape)
        var probes = new List<(string Caller, string Method, string Existing, string Missing, string? Body)>();
        foreach (var (caller, key) in new[] { ("lead", Lead), ("other-lead", TenancyFixture.OtherLeadKey), ("wang", GatewayHarness.ClientKey) })
        {
            var hidden = caller == "other-lead" ? "wang" : "n-user";
            var hiddenKey = caller == "other-lead"
                ? (await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/keys?user=wang")).GetProperty("data")[0].GetProperty("id").GetString()!
                : narrowKey;
            probes.Add((key, "GET", $"/admin/users/{hidden}", "/admin/users/no-such-user", null));
            probes.Add((key, "PATCH", $"/admin/users/{hidden}", "/admin/users/no-such-user", """{"limits":{"rpm":1}}"""));
            probes.Add((key, "PATCH", $"/admin/users/{hidden}", "/admin/users/no-such-user", """{"password":"twelve chars or more"}"""));
            probes.Add((key, "DELETE", $"/admin/users/{hidden}", "/admin/users/no-such-user", null));
            probes.Add((key, "GET", $"/admin/keys/{hiddenKey}", $"/admin/keys/{missingKey}", null));
            probes.Add((key, "DELETE", $"/admin/keys/{hiddenKey}", $"/admin/keys/{missingKey}", null));
            var ownGroup = caller == "other-lead" ? "narrow" : "team";
            probes.Add((key, "POST", "/admin/keys", "/admin/keys", $$"""{"name":"probe","group":"{{ownGroup}}","user":"{{hidden}}"}"""));
        }
        // A plain user probing its own group's admin.
        probes.Add((GatewayHarness.ClientKey, "GET", "/admin/users/lead", "/admin/users/no-such-user", null));

        foreach (var (caller, method, existing, missing, body) in probes)
        {
            var missingBody = method == "POST" ? body!.Replace("\"user\":\"", "\"user\":\"no-such-", StringComparison.Ordinal) : body;
            var (existingStatus, existingText) = await AnswerAsync(http, method, existing, body, caller);
            var (missingStatus, missingText) = await AnswerAsync(http, method, missing, missingBody, caller);
            Assert.True(existingStatus == missingStatus && existingText == missingText,
                $"{method} {existing} vs {missing}: {existingStatus} {existingText} / {missingStatus} {missingText}");
            // A plain user meets DELETE /admin/users/{name}'s role floor before any name is looked up: alike too.
            var roleFloor = existingStatus == 403 && existingText.Contains("needs the group_admin role", StringComparison.Ordinal);
            Assert.True(existingStatus is 404 or 400 || roleFloor, $"{method} {existing}: {existingStatus} {existingText}");
        }

        // Nothing was changed by the probes.
        var user = await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/users/n-user");
        Assert.Equal(JsonValueKind.Null, user.GetProperty("limits").ValueKind);
        var stillActive = await TenancyFixture.SendAsync(http, HttpMethod.Get, $"/admin/keys/{narrowKey}");
        Assert.Equal(JsonValueKind.Null, stillActive.GetProperty("revoked_at").ValueKind);
    }

    private static async Task<(int Status, string Text)> AnswerAsync(HttpClient http, string method, string path, string? body, string key)
    {
        using var response = await http.SendAsync(TenancyFixture.Request(new HttpMethod(method), path, body, key));
        return ((int)response.StatusCode, response.Content.Headers.ContentType + "\n" + await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task GroupLimits_SuperAdminsValuesAreACeiling_GroupAdminOnlyTightens(DatabaseKind kind)
    {
        await using var gateway = await GatewayHarness.StartAsync(kind, TenancyFixture.Company);
        var http = gateway.Http;
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/groups/team",
            """{"models":["gpt-4o","gpt-4o-mini"],"limits":{"rpm":100,"usd_per_day":50,"models":{"gpt-4o":{"rpm":10}}}}""");

        // Loosening, in every form, is refused and names the field and the ceiling.
        foreach (var (body, field) in new[]
        {
            ("""{"models":[]}""", "models"),
            ("""{"models":["gpt-4o","claude-sonnet-4-5"]}""", "models"),
            ("""{"limits":{}}""", "limits.rpm"),
            ("""{"limits":{"rpm":101,"usd_per_day":50,"models":{"gpt-4o":{"rpm":10}}}}""", "limits.rpm"),
            ("""{"limits":{"rpm":100,"models":{"gpt-4o":{"rpm":10}}}}""", "limits.usd_per_day"),
            ("""{"limits":{"rpm":100,"usd_per_day":50.01,"models":{"gpt-4o":{"rpm":10}}}}""", "limits.usd_per_day"),
            ("""{"limits":{"rpm":100,"usd_per_day":50}}""", "limits.models.gpt-4o.rpm"),
            ("""{"limits":{"rpm":100,"usd_per_day":50,"models":{"gpt-4o":{"rpm":11}}}}""", "limits.models.gpt-4o.rpm"),
            ("""{"store_bodies":true}""", "store_bodies"),
        })
        {
            using var response = await http.SendAsync(TenancyFixture.Request(HttpMethod.Patch, "/admin/groups/team", body, Lead));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(403 == (int)response.StatusCode, $"{body}: {(int)response.StatusCode} {text}");
            Assert.Equal(field, JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("param").GetString());
        }

        // Tightening within the ceiling is fine, and so is going back up to it.
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/groups/team",
            """{"models":["gpt-4o"],"limits":{"rpm":40,"usd_per_day":20,"tpm":1000,"models":{"gpt-4o":{"rpm":5}}}}""", Lead);
        var group = await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/groups/team",
            """{"models":["gpt-4o","gpt-4o-mini"],"limits":{"rpm":100,"usd_per_day":50,"models":{"gpt-4o":{"rpm":10}}}}""", Lead);
        Assert.Equal(100, group.GetProperty("ceiling").GetProperty("limits").GetProperty("rpm").GetInt64());

        // Its users' and keys' limits stay under the ceiling too.
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/users/wang", """{"limits":{"usd_per_day":51}}""", Lead, expect: 403);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/users/wang", """{"limits":{"usd_per_day":10}}""", Lead);
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/keys", """{"name":"big","group":"team","user":"wang","limits":{"rpm":1000}}""", Lead, expect: 403);
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/keys", """{"name":"small","group":"team","user":"wang","limits":{"rpm":5}}""", Lead, expect: 201);
        // A user of the group makes its own keys under the same ceiling.
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/keys", """{"name":"mine","group":"team","user":"wang","limits":{"rpm":101}}""", GatewayHarness.ClientKey, expect: 403);

        // Storing prompts is the super admin's decision; the group admin may turn it off, not on.
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/groups/team", """{"limits":{"rpm":40,"usd_per_day":50,"models":{"gpt-4o":{"rpm":10}}}}""", Lead);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/groups/team", """{"store_bodies":true}""");
        // A super admin's change that leaves the limits out leaves their ceiling where it was, above the group admin's 40.
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/groups/team", """{"limits":{"rpm":100,"usd_per_day":50,"models":{"gpt-4o":{"rpm":10}}}}""", Lead);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/groups/team", """{"store_bodies":false}""", Lead);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/groups/team", """{"store_bodies":true}""", Lead, expect: 403);

        // The super admin lifts the ceiling; then the group admin may go where it now reaches.
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/groups/team", """{"models":[],"limits":{}}""");
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/groups/team", """{"models":["claude-sonnet-4-5"],"limits":{"rpm":5000}}""", Lead);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/groups/team", """{"models":[],"limits":{}}""", Lead);

        // Every change went to the audit log under the actor's name; refusals did not.
        var audit = await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/audit?actor=lead&action=group.update");
        Assert.Equal(7, audit.GetProperty("data").GetArrayLength());
    }
}
