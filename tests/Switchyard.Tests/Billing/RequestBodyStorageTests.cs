using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Billing;
using Switchyard.Configuration;
using Switchyard.Routing;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Billing;

/// <summary>
/// Prompt and completion bodies: kept only for a group that opts in, redacted (key shapes and the configured
/// redaction.patterns) and cut to retention.body_max_bytes, readable through the request log's admin endpoint, and
/// dropped with the request detail by retention.
/// </summary>
public sealed class RequestBodyStorageTests
{
    private const string KeeperKey = "sk-sy-test-keeper-key-000000000000000009";
    private const string Leaked = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";

    private static GatewayConfig Keeping(GatewayConfig config, int maxBytes = 64 * 1024) => config with
    {
        Groups = [.. config.Groups, new GroupConfig { Name = "keepers", StoreBodies = true }],
        Keys = [.. config.Keys, new KeyConfig { Name = "keeper-key", Secret = KeeperKey, Group = "keepers" }],
        Redaction = new RedactionConfig { Patterns = [@"[\w.+-]+@[\w-]+\.[\w.]+", @"\+?\d[\d -]{8,}\d"] },
        Retention = new RetentionConfig { BodyMaxBytes = maxBytes },
    };

    private static string Chat(string content, bool stream = false) => JsonSerializer.Serialize(new
    {
        model = "gpt-4o",
        stream,
        messages = new[] { new { role = "user", content } },
    });

    private static async Task<string> SendAsync(GatewayHarness gateway, string key, string body)
    {
        using var response = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", body, key));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("x-request-id").Single();
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> BodiesAsync(GatewayHarness gateway, string id, string key = GatewayHarness.MasterKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/admin/requests/{id}/bodies");
        request.Headers.Authorization = new("Bearer", key);
        using var response = await gateway.Http.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task OptedInGroup_BodiesStoredRedacted_OtherGroupNothingStored(DatabaseKind kind)
    {
        await using var gateway = await GatewayHarness.StartAsync(kind, c => Keeping(c));
        var secretPrompt = $"Mail alice.smith@example.com or call +1 415 555 0100; my key is {Leaked}.";

        var kept = await SendAsync(gateway, KeeperKey, Chat(secretPrompt));
        var streamed = await SendAsync(gateway, KeeperKey, Chat("stream me a story", stream: true));
        var plain = await SendAsync(gateway, GatewayHarness.ClientKey, Chat(secretPrompt));
        await gateway.LedgerAsync(expectAtLeast: 3);

        var (status, body) = await BodiesAsync(gateway, kept);
        Assert.Equal(HttpStatusCode.OK, status);
        var prompt = body.GetProperty("prompt").GetString()!;
        Assert.Contains("[REDACTED]", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("alice.smith@example.com", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("555 0100", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain(Leaked, prompt, StringComparison.Ordinal);
        Assert.Contains("\"model\":\"gpt-4o\"", prompt, StringComparison.Ordinal);
        Assert.Equal("keepers", body.GetProperty("group").GetString());
        Assert.Contains("\"chat.completion\"", body.GetProperty("completion").GetString()!, StringComparison.Ordinal);
        Assert.False(body.GetProperty("prompt_truncated").GetBoolean());

        var (streamStatus, streamBody) = await BodiesAsync(gateway, streamed);
        Assert.Equal(HttpStatusCode.OK, streamStatus);
        var completion = streamBody.GetProperty("completion").GetString()!;
        Assert.StartsWith("data: {", completion, StringComparison.Ordinal);
        Assert.Contains("data: [DONE]", completion, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await BodiesAsync(gateway, plain)).Status);
        await using var connection = await gateway.Host.Services.GetRequiredService<SqlDialect>().OpenAsync(default);
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM request_bodies"));
        // No raw copy on disk either: the write-ahead log and journal never see a body.
        var journal = gateway.Host.Services.GetRequiredService<LedgerJournal>().Directory;
        foreach (var file in Directory.GetFiles(journal))
        {
            Assert.DoesNotContain("alice.smith", await ReadSharedAsync(file), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task LongPromptAndStream_CutToTheLimit_SecretAtTheCutStillMasked()
    {
        await using var gateway = await GatewayHarness.StartAsync(DatabaseKind.Sqlite, c => Keeping(c, maxBytes: 300));
        // The key straddles the 300-byte cut (71 bytes of JSON come before the content): redaction runs before the
        // cut, so no part of it survives.
        var prompt = new string('x', 205) + " " + Leaked + " " + new string('y', 2000);

        var id = await SendAsync(gateway, KeeperKey, Chat(prompt));
        var streamed = await SendAsync(gateway, KeeperKey, Chat("a long story please, " + new string('z', 50), stream: true));
        await gateway.LedgerAsync(expectAtLeast: 2);

        var (_, body) = await BodiesAsync(gateway, id);
        var stored = body.GetProperty("prompt").GetString()!;
        Assert.True(body.GetProperty("prompt_truncated").GetBoolean());
        Assert.Equal(300, stored.Length);
        Assert.DoesNotContain("AbCdEfGh", stored, StringComparison.Ordinal);
        Assert.Contains("[REDACTED]", stored, StringComparison.Ordinal);
        var (_, streamBody) = await BodiesAsync(gateway, streamed);
        Assert.True(streamBody.GetProperty("completion").GetString()!.Length <= 300);
    }

    [Fact]
    public async Task GroupAdmin_SeesOwnGroupsBodies_NotOthers_AndAdminApiCanOptAGroupIn()
    {
        await using var gateway = await GatewayHarness.StartAsync(DatabaseKind.Sqlite, c => Keeping(TenancyFixture.Company(c)));
        var id = await SendAsync(gateway, KeeperKey, Chat("hello"));
        await gateway.LedgerAsync(expectAtLeast: 1);

        Assert.Equal(HttpStatusCode.OK, (await BodiesAsync(gateway, id, TenancyFixture.BossKey)).Status);
        // Another group's request id answers exactly as a missing one (404, same body): no existence oracle.
        var (otherStatus, otherBody) = await BodiesAsync(gateway, id, TenancyFixture.LeadKey);
        var (missingStatus, missingBody) = await BodiesAsync(gateway, "req_does_not_exist", TenancyFixture.LeadKey);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (otherStatus, missingStatus));
        // The echoed id passes through the redactor like any error text: this config's phone-number pattern masks a
        // run of ten digits, which a random id holds about one time in five.
        var shownId = gateway.Host.Services.GetRequiredService<Switchyard.Security.Redactor>().Redact(id);
        Assert.Equal(missingBody.GetRawText().Replace("req_does_not_exist", "ID", StringComparison.Ordinal),
            otherBody.GetRawText().Replace(shownId, "ID", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, (await BodiesAsync(gateway, id, GatewayHarness.ClientKey)).Status);

        // The team group opts in through the admin API (a super admin's decision, not its group admin's); from then on its requests are kept.
        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Patch, "/admin/groups/team", """{"store_bodies":true}""", key: TenancyFixture.LeadKey, expect: 403);
        var group = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Patch, "/admin/groups/team", """{"store_bodies":true}""", key: TenancyFixture.BossKey);
        Assert.True(group.GetProperty("store_bodies").GetBoolean());
        var teamId = await SendAsync(gateway, GatewayHarness.ClientKey, Chat("team prompt"));
        await gateway.LedgerAsync(expectAtLeast: 2);
        var (status, body) = await BodiesAsync(gateway, teamId, TenancyFixture.LeadKey);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("team prompt", body.GetProperty("prompt").GetString()!, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task Retention_DropsBodiesWithTheRequestDetail(DatabaseKind kind)
    {
        var dialect = await TestDatabases.CreateMigratedAsync(kind);
        var now = new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);
        var time = new ManualTimeProvider(now);
        await new LedgerRetentionStore(dialect).EnsurePartitionsAsync(now, default);
        UsageRecord Record(string id, DateTimeOffset at) => new()
        {
            RequestId = id,
            CreatedAt = at,
            Endpoint = "chat.completions",
            Group = "keepers",
            Status = 200,
            LatencyMs = 1,
            Bodies = new RequestBodies("prompt " + id, "completion " + id, false, false),
        };
        await new LedgerStore(dialect).InsertAsync([Record("old", now.AddDays(-31)), Record("fresh", now.AddDays(-29))], default);
        var retention = new LedgerRetention(new GatewayRuntime(new GatewayConfig { Retention = new RetentionConfig { RequestDays = 30 } }, time),
            new LedgerRetentionStore(dialect), time, NullLogger<LedgerRetention>.Instance);

        var outcome = await retention.RunAsync(default);

        Assert.Equal(1, outcome.BodiesDeleted);
        var bodies = new RequestBodyStore(dialect);
        Assert.Null(await bodies.FindAsync("old", default));
        Assert.Equal("prompt fresh", (await bodies.FindAsync("fresh", default))!.prompt);
    }

    private static async Task<string> ReadSharedAsync(string file)
    {
        using var cat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("cat", [file]) { RedirectStandardOutput = true })!;
        var text = await cat.StandardOutput.ReadToEndAsync();
        await cat.WaitForExitAsync();
        return text;
    }
}
