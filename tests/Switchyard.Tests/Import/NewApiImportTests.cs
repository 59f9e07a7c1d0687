using System.Net;
using System.Text.Json;
using Switchyard.Configuration;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Import;

public sealed class NewApiImportTests
{
    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task ImportNewApi_ClientsKeepTheirTokens_AtTheSourcesPrices(DatabaseKind kind)
    {
        await using var target = await ImportTarget.StartAsync(kind);
        await using var source = await NewApiFixture.CreateNewApiAsync(kind, target.Gateway.Mock.BaseAddress);
        var sourceBefore = await source.DumpAsync(NewApiFixture.Tables);

        var dry = await target.RunAsync(null, "import", "new-api", "--from", source.Url, "--dry-run");
        Assert.True(dry.Exit == 0, dry.Errors);
        Assert.Empty(await new KeyStore(await TargetDialectAsync(target)).ListAsync(default));
        var real = await target.RunAsync(null, "import", "new-api", "--from", source.Url);
        Assert.True(real.Exit == 0, real.Errors);

        // The dry run printed exactly the plan the real run carried out.
        var plan = ImportTarget.Plan(real.Output);
        Assert.Equal(ImportTarget.Plan(dry.Output), plan);
        Assert.Contains("create  channel  OpenAI-main-1 (openai, 2 keys, " + target.Gateway.Mock.BaseAddress.ToString().TrimEnd('/') + "/v1)", plan);
        Assert.Contains("key 2 of 3 is disabled in the source and left out", plan);
        Assert.Contains("create  channel  Claude-2 (anthropic, 1 key, ", plan);
        Assert.Contains("create  channel  Gemini-3 (gemini, 1 key, " + target.Gateway.Mock.BaseAddress.ToString().TrimEnd('/') + "/v1beta)", plan);
        Assert.Contains("skip    channel  Midjourney-4\n          cannot import: type 2 (Midjourney) has no Switchyard channel type", plan);
        Assert.Contains("skip    channel  Azure-5\n          cannot import: type 3 (Azure) has no Switchyard channel type", plan);
        Assert.Contains("skip    channel  Old-OpenAI-6", plan);
        Assert.Contains("create  group    vip (price multiplier 0.5)", plan);
        Assert.Contains("create  group    svip (price multiplier 0.8)", plan);
        Assert.Contains("create  user     root (super_admin of default)", plan);
        Assert.Contains("create  user     carol (group_admin of default)", plan);
        Assert.Contains("create  user     alice (user of vip)", plan);
        Assert.Contains("skip    user     dave", plan);
        Assert.Contains("skip    user     erin", plan);
        Assert.Contains("create  model    house-chat ($2.5 in / $10 out per 1M tokens)", plan);
        Assert.Contains("create  model    gpt-4o-mini ($0.15 in / $0.6 out per 1M tokens, $0.075 cached)", plan);
        Assert.Contains("create  model    gemini-2.5-flash ($0.01 per request)", plan);
        Assert.Contains("create  model    claude-sonnet-4-5 ($3 in / $3 out per 1M tokens)\n          approximately: no CompletionRatio", plan);
        Assert.Contains("create  key      alice-laptop (new-api token 1) (group vip, user alice, $2 left)", plan);
        Assert.Contains("skip    key      alice-old (new-api token 4)\n          cannot import: disabled in the source", plan);
        Assert.Contains("skip    key      alice-expired (new-api token 5)\n          cannot import: expired in the source", plan);
        Assert.Contains("skip    key      alice-deleted (new-api token 6)\n          cannot import: deleted in the source", plan);
        Assert.Contains("note     quota unit: 500000 quota = $1", real.Output);

        // Users whose bcrypt password cannot be verified get a one-time reset link, printed once with its expiry; without
        // a public address the run prints the link's path and says what to put before it.
        Assert.Contains("approximately: its password is stored as a bcrypt hash, which Switchyard's logins (PBKDF2) cannot verify: a real run prints a one-time password reset link", ImportTarget.Plan(dry.Output));
        var links = ImportTarget.ResetLinks(real.Output);
        Assert.Equal(["alice", "carol", "root"], links.Keys.Order(StringComparer.Ordinal));
        Assert.All(links.Values, link => Assert.StartsWith("/ui/#/reset?token=syr_", link));
        Assert.Contains("--public-url", real.Output);
        Assert.DoesNotContain("Password reset links", dry.Output);

        // A second run creates nothing, and the source was never written.
        var dialect = await TargetDialectAsync(target);
        var counts = await CountsAsync(dialect);
        var again = await target.RunAsync(null, "import", "new-api", "--from", source.Url);
        Assert.Contains("new-api: 0 to create", again.Output);
        Assert.DoesNotContain("Password reset links", again.Output);
        Assert.DoesNotContain("create  ", ImportTarget.Plan(again.Output));
        Assert.Equal(counts, await CountsAsync(dialect));
        Assert.Equal(sourceBefore, await source.DumpAsync(NewApiFixture.Tables));

        // Each creation is audited as the import; no secret reaches the audit log.
        var audit = await new AuditStore(dialect).QueryAsync(new AuditQuery(null, null, "import:new-api", null, null, null, null, 1000), default);
        Assert.Contains(audit, e => e.Actor == "import:new-api" && e.Action == "channel.create" && e.Target == "OpenAI-main-1");
        Assert.DoesNotContain(audit, e => (e.Changes ?? "").Contains(NewApiFixture.AliceToken, StringComparison.Ordinal)
            || (e.Changes ?? "").Contains("upstream-key-a", StringComparison.Ordinal));
        var stored = (await new ChannelStore(dialect).FindAsync("OpenAI-main-1", default))!;
        Assert.DoesNotContain(stored.Keys, k => k.Sealed.Contains("upstream-key", StringComparison.Ordinal));
        Assert.DoesNotContain((await new KeyStore(dialect).ListAsync(default)), k => k.KeyHash.Contains(NewApiFixture.AliceToken, StringComparison.Ordinal));

        await target.ReloadAsync();
        var http = target.Gateway.Http;

        // alice's client sends what new-api showed it ("sk-" + the stored key) and the model name it always used.
        using var chat = await http.SendAsync(target.Gateway.Post("/v1/chat/completions",
            """{"model":"house-chat","messages":[{"role":"user","content":"Hello"}]}""", "sk-" + NewApiFixture.AliceToken));
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal("gpt-4o-mini", chat.Headers.GetValues("x-switchyard-model").Single());
        var requestId = chat.Headers.GetValues("x-request-id").Single();

        // carol's key is limited to two models and two address ranges, loopback among them.
        using var claude = await http.SendAsync(target.Gateway.Post("/v1/chat/completions",
            """{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"Hi"}]}""", "sk-" + NewApiFixture.CarolToken));
        Assert.Equal(HttpStatusCode.OK, claude.StatusCode);
        using var gemini = await http.SendAsync(target.Gateway.Post("/v1/chat/completions",
            """{"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}]}""", "sk-" + NewApiFixture.CarolToken));
        Assert.Equal(HttpStatusCode.Forbidden, gemini.StatusCode);

        // The root token (unlimited, default group) reaches Gemini, priced per request as new-api's ModelPrice.
        using var flash = await http.SendAsync(target.Gateway.Post("/v1/chat/completions",
            """{"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}]}""", "sk-" + NewApiFixture.RootToken));
        Assert.Equal(HttpStatusCode.OK, flash.StatusCode);

        using var disabled = await http.SendAsync(target.Gateway.Post("/v1/chat/completions",
            """{"model":"house-chat","messages":[{"role":"user","content":"Hello"}]}""", "sk-" + NewApiFixture.DisabledToken));
        Assert.Equal(HttpStatusCode.Unauthorized, disabled.StatusCode);

        // new-api would have charged (prompt + completion × 4) × 1.25 × 0.5 (vip) quota, at 500000 quota per dollar.
        var ledger = await target.Gateway.LedgerAsync(expectAtLeast: 3);
        var record = ledger.Single(r => r.RequestId == requestId);
        Assert.True(record.Usage.Input > 0 && record.Usage.Output > 0);
        var newApiQuota = (record.Usage.Input + (record.Usage.Output * 4m)) * 1.25m * 0.5m;
        Assert.Equal(newApiQuota / 500_000m, record.CostUsd);
        var perRequest = ledger.Single(r => r.RequestedModel == "gemini-2.5-flash" && r.Status == 200);
        Assert.Equal(0.01m, perRequest.CostUsd);

        // alice opens her link, sets a password, and signs in with it; the link works only once.
        var reset = JsonSerializer.Serialize(new Dictionary<string, string> { ["token"] = ImportTarget.TokenOf(links["alice"]), ["password"] = "alice's own new password" });
        using (var redeemed = await http.SendAsync(TenancyFixture.Request(HttpMethod.Post, "/admin/password-reset", reset, null)))
        {
            Assert.Equal(HttpStatusCode.OK, redeemed.StatusCode);
        }
        using (var reused = await http.SendAsync(TenancyFixture.Request(HttpMethod.Post, "/admin/password-reset", reset, null)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, reused.StatusCode);
        }
        using var login = await http.SendAsync(TenancyFixture.Request(HttpMethod.Post, "/admin/session",
            JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = "alice", ["password"] = "alice's own new password" }), null));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task ImportOneApi_SchemaDetected_TokenKeepsItsModelsAndSubnet()
    {
        await using var target = await ImportTarget.StartAsync(DatabaseKind.Sqlite);
        await using var source = await NewApiFixture.CreateOneApiAsync(target.Gateway.Mock.BaseAddress);

        var real = await target.RunAsync(null, "import", "one-api", "--from", source.Url);

        Assert.True(real.Exit == 0, real.Errors);
        Assert.Contains("Importing from one-api", real.Output);
        Assert.Contains("create  channel  DeepSeek-1 (openai, 1 key, " + target.Gateway.Mock.BaseAddress.ToString().TrimEnd('/') + "/v1)", real.Output);
        Assert.Contains("skip    channel  Cloudflare-2\n          cannot import: type 37 (Cloudflare) has no Switchyard channel type", real.Output);
        var key = (await new KeyStore(await TargetDialectAsync(target)).ListAsync(default)).Single();
        Assert.Equal(["deepseek-chat"], key.Models);
        Assert.Equal(["127.0.0.1/32"], key.AllowedIps);
        Assert.Equal(0.5m, key.Limits!.UsdTotal);

        await target.ReloadAsync();
        using var chat = await target.Gateway.Http.SendAsync(target.Gateway.Post("/v1/chat/completions",
            """{"model":"deepseek-chat","messages":[{"role":"user","content":"Hello"}]}""", "sk-" + NewApiFixture.AliceToken));
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
    }

    [Fact]
    public async Task ImportNewApi_NotANewApiDatabase_ExitsWithTheReason()
    {
        await using var target = await ImportTarget.StartAsync(DatabaseKind.Sqlite);
        await using var source = await SourceFixture.CreateAsync(DatabaseKind.Sqlite);
        await source.ExecuteAsync("CREATE TABLE something (id integer)");

        var run = await target.RunAsync(null, "import", "new-api", "--from", source.Url);

        Assert.Equal(1, run.Exit);
        Assert.Contains("not a new-api or one-api database", run.Errors);
    }

    internal static async Task<SqlDialect> TargetDialectAsync(ImportTarget target)
    {
        var config = ConfigLoader.LoadFile(target.ConfigPath);
        DatabaseLocation.TryParse(config.Storage.Database, out var location, out _);
        await Task.CompletedTask;
        return SqlDialect.For(location!);
    }

    internal static async Task<string> CountsAsync(SqlDialect dialect)
    {
        await using var connection = await dialect.OpenAsync(default);
        var counts = new List<string>();
        foreach (var table in new[] { "tenant_groups", "tenant_users", "virtual_keys", "api_channels", "api_models", "audit_log" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM {table}";
            counts.Add($"{table}={await command.ExecuteScalarAsync()}");
        }
        return string.Join(',', counts);
    }
}
