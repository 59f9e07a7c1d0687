using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Configuration;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Admin;

/// <summary>Every admin change leaves an entry (who, when, from where, what changed, secrets masked); the chain shows tampering.</summary>
public sealed class AuditTests
{
    private const string UpstreamSecret = "sk-upstream-audit-secret-0123456789abcdef";

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task EveryChange_IsAudited_AndTamperingIsDetected(DatabaseKind kind)
    {
        await using var gateway = await GatewayHarness.StartAsync(kind, TenancyFixture.Company);
        var http = gateway.Http;
        var mockUrl = new Uri(gateway.Mock.BaseAddress, "v1").ToString();

        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/groups", """{"name":"rd","limits":{"rpm":10}}""", expect: 201);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/groups/rd", """{"limits":{"rpm":20}}""", TenancyFixture.BossKey);
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/users", $$"""{"name":"li","group":"rd","password":"{{TenancyFixture.Password}}"}""", expect: 201);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/users/li", """{"password":"another long password"}""");
        var key = await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/keys", """{"name":"li-key","group":"rd","user":"li"}""", expect: 201);
        var keyId = key.GetProperty("id").GetString()!;
        var keySecret = key.GetProperty("key").GetString()!;
        await TenancyFixture.SendAsync(http, HttpMethod.Delete, $"/admin/keys/{keyId}");
        await TenancyFixture.SendAsync(http, HttpMethod.Delete, "/admin/users/li", expect: 204);
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/channels",
            $$"""{"name":"extra","type":"openai","base_url":"{{mockUrl}}","keys":["{{UpstreamSecret}}"],"models":["gpt-4o"]}""", expect: 201);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/channels/extra", """{"priority":5}""");
        await TenancyFixture.SendAsync(http, HttpMethod.Delete, "/admin/channels/extra", expect: 204);
        await TenancyFixture.SendAsync(http, HttpMethod.Put, "/admin/models/new-model", """{"price":{"input":1,"output":2}}""", expect: 201);
        await TenancyFixture.SendAsync(http, HttpMethod.Put, "/admin/models/new-model", """{"price":{"input":1.5,"output":2}}""");
        await TenancyFixture.SendAsync(http, HttpMethod.Delete, "/admin/models/new-model", expect: 204);

        var log = await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/audit?limit=1000");
        var entries = log.GetProperty("data").EnumerateArray().ToList();
        var actions = entries.Select(e => e.GetProperty("action").GetString()).ToList();
        foreach (var action in new[] { "group.create", "group.update", "user.create", "user.update", "key.create", "key.revoke", "user.delete",
            "channel.create", "channel.update", "channel.delete", "model.create", "model.update", "model.delete" })
        {
            Assert.Contains(action, actions);
        }
        var groupUpdate = entries.Single(e => e.GetProperty("action").GetString() == "group.update");
        Assert.Equal("boss", groupUpdate.GetProperty("actor").GetString());
        Assert.Equal("super_admin", groupUpdate.GetProperty("actor_role").GetString());
        Assert.Equal("127.0.0.1", groupUpdate.GetProperty("address").GetString());
        Assert.Equal("rd", groupUpdate.GetProperty("target").GetString());
        var diff = JsonDocument.Parse(groupUpdate.GetProperty("changes").GetString()!).RootElement.GetProperty("limits");
        Assert.Equal(10, diff.GetProperty("from").GetProperty("rpm").GetInt32());
        Assert.Equal(20, diff.GetProperty("to").GetProperty("rpm").GetInt32());
        Assert.Equal("master", entries.Single(e => e.GetProperty("action").GetString() == "group.create").GetProperty("actor").GetString());
        Assert.Contains("\"password\":\"changed\"", entries.Single(e => e.GetProperty("action").GetString() == "user.update").GetProperty("changes").GetString());
        // A create records what was created, not the live statistics of the answer (requests, latency).
        var channelCreate = entries.Single(e => e.GetProperty("action").GetString() == "channel.create").GetProperty("changes").GetString()!;
        Assert.Contains("\"base_url\"", channelCreate);
        Assert.Contains("\"key_hints\"", channelCreate);
        Assert.DoesNotContain("requests_last_minute", channelCreate);
        Assert.DoesNotContain("latency_p50_ms", channelCreate);
        var text = log.GetRawText();
        Assert.DoesNotContain(UpstreamSecret, text);
        Assert.DoesNotContain(keySecret, text);
        Assert.DoesNotContain("another long password", text);
        Assert.DoesNotContain(TenancyFixture.Password, text);

        var verified = await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/audit/verify");
        Assert.True(verified.GetProperty("ok").GetBoolean());
        Assert.Equal(entries.Count, verified.GetProperty("entries").GetInt32());

        using var export = await http.SendAsync(TenancyFixture.Request(HttpMethod.Get, "/admin/audit/export", null, GatewayHarness.MasterKey));
        var lines = (await export.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(entries.Count, lines.Length);
        Assert.Equal(1, JsonDocument.Parse(lines[0]).RootElement.GetProperty("seq").GetInt64());

        // The database refuses edits outright; someone who bypasses that is caught by the chain.
        var dialect = gateway.Host.Services.GetRequiredService<SqlDialect>();
        await using (var connection = await dialect.OpenAsync(CancellationToken.None))
        {
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => connection.ExecuteAsync("UPDATE audit_log SET actor = 'nobody' WHERE seq = 3"));
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => connection.ExecuteAsync("DELETE FROM audit_log WHERE seq = 3"));
            await connection.ExecuteAsync(kind == DatabaseKind.Sqlite ? "DROP TRIGGER audit_log_no_update" : "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change");
            await connection.ExecuteAsync("UPDATE audit_log SET actor = 'nobody' WHERE seq = 3");
        }
        var tampered = await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/audit/verify");
        Assert.False(tampered.GetProperty("ok").GetBoolean());
        Assert.Equal(3, tampered.GetProperty("broken_at").GetInt64());
        Assert.Contains("altered", tampered.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task RemovedEntry_BreaksTheChain()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        for (var i = 0; i < 3; i++)
        {
            await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Post, "/admin/groups", $$"""{"name":"g{{i}}"}""", expect: 201);
        }
        var dialect = gateway.Host.Services.GetRequiredService<SqlDialect>();
        await using (var connection = await dialect.OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("DROP TRIGGER audit_log_no_delete");
            await connection.ExecuteAsync("DELETE FROM audit_log WHERE seq = 2");
        }

        var verified = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/audit/verify");

        Assert.False(verified.GetProperty("ok").GetBoolean());
        Assert.Equal(2, verified.GetProperty("broken_at").GetInt64());
    }
}
