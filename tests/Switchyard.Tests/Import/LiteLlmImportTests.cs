using System.Net;
using Switchyard.Configuration;
using Switchyard.Storage;
using Switchyard.Tenancy;

namespace Switchyard.Tests.Import;

public sealed class LiteLlmImportTests
{
    private static string? Environment(string name) => name == LiteLlmFixture.OpenAiVariable ? "openai-upstream-from-env" : null;

    [Fact]
    public async Task ImportLiteLlm_ConfigAndDatabase_KeysWorkByTheirStoredHash()
    {
        await using var target = await ImportTarget.StartAsync(DatabaseKind.Postgres);
        await using var source = await LiteLlmFixture.CreateDatabaseAsync();
        var configFile = Path.Combine(Directory.CreateTempSubdirectory("litellm-").FullName, "litellm_config.yaml");
        await File.WriteAllTextAsync(configFile, LiteLlmFixture.Config(target.Gateway.Mock.BaseAddress));
        var sourceBefore = await source.DumpAsync(LiteLlmFixture.Tables);

        var dry = await target.RunAsync(Environment, "import", "litellm", "--from", configFile, "--database", source.Url, "--dry-run");
        Assert.True(dry.Exit == 0, dry.Errors);
        var real = await target.RunAsync(Environment, "import", "litellm", "--from", configFile, "--database", source.Url,
            "--public-url", "https://gateway.example.com/");
        Assert.True(real.Exit == 0, real.Errors);

        var plan = ImportTarget.Plan(real.Output);
        Assert.Equal(ImportTarget.Plan(dry.Output), plan);
        var mock = target.Gateway.Mock.BaseAddress.ToString().TrimEnd('/');
        Assert.Contains($"create  channel  gpt-4o-1 (openai, 1 key, {mock}/v1)", plan);
        Assert.Contains("api_key os.environ/LITELLM_TEST_OPENAI_KEY (${LITELLM_TEST_OPENAI_KEY}) is read when importing and stored sealed", plan);
        Assert.Contains("rpm per deployment is left out", plan);
        Assert.Contains($"create  channel  claude-2 (anthropic, 1 key, {mock}/v1)", plan);
        Assert.Contains("skip    channel  azure-gpt-3\n          cannot import: provider 'azure' (azure/my-deployment) has no Switchyard channel type", plan);
        Assert.Contains("skip    channel  missing-env-4\n          cannot import: api_key reads LITELLM_TEST_UNSET_VARIABLE (${LITELLM_TEST_UNSET_VARIABLE}), which is not set", plan);
        Assert.Contains("create  model    gpt-4o ($2.5 in / $10 out per 1M tokens; aliases gpt4; fallbacks claude)", plan);
        Assert.Contains("create  model    claude (aliases sonnet)", plan);
        Assert.Contains("create  group    ML-Team", plan);
        Assert.Contains("a 30-day budget window becomes a calendar month", plan);
        Assert.Contains("skip    group    Old-Team\n          cannot import: the team is blocked in LiteLLM", plan);
        Assert.Contains("create  user     admin@example.com (super_admin of default)", plan);
        Assert.Contains("create  user     lead@example.com (group_admin of ML-Team)", plan);
        Assert.Contains("create  user     dev@example.com (user of ML-Team)", plan);
        Assert.Contains("create  user     viewer@example.com (user of default)\n          approximately: a read-only proxy admin", plan);
        Assert.Contains("create  key      ml-service (litellm key ", plan);
        Assert.Contains("(group ML-Team, $37.5 left, matched by its SHA-256)", plan);
        Assert.Contains("skip    key      revoked-one (litellm key ", plan);
        Assert.Contains("skip    key      expired (litellm key ", plan);
        Assert.Contains("note     routing_strategy usage-based-routing-v2 has no Switchyard equivalent", real.Output);
        Assert.Contains("note     num_retries: set router.num_retries: 3 in switchyard.yaml", real.Output);
        Assert.Contains("note     timeout: set router.request_timeout: 30s in switchyard.yaml", real.Output);
        Assert.Contains("note     context_window_fallbacks has no Switchyard equivalent", real.Output);
        Assert.Contains("note     general_settings.master_key: set security.master_key: ${LITELLM_MASTER_KEY} in switchyard.yaml", real.Output);
        var link = Assert.Single(ImportTarget.ResetLinks(real.Output));
        Assert.Equal("admin@example.com", link.Key);
        Assert.StartsWith("https://gateway.example.com/ui/#/reset?token=syr_", link.Value);
        Assert.DoesNotContain("--public-url", real.Output);

        // The keys are stored by LiteLLM's hash under the imported hash kind, never by a secret Switchyard never saw.
        var dialect = await NewApiImportTests.TargetDialectAsync(target);
        var keys = await new KeyStore(dialect).ListAsync(default);
        var devKey = keys.Single(k => k.Name.StartsWith("dev-laptop", StringComparison.Ordinal));
        Assert.Equal(KeyHasher.ImportedSha256Prefix + VirtualKeySecret.HashHex(LiteLlmFixture.UserKey), devKey.KeyHash);
        Assert.Equal("dev@example.com", devKey.User);
        Assert.Equal(5m, devKey.Limits!.UsdPerDay);
        Assert.Equal(30, devKey.Limits.Rpm);

        var counts = await NewApiImportTests.CountsAsync(dialect);
        var again = await target.RunAsync(Environment, "import", "litellm", "--from", configFile, "--database", source.Url);
        Assert.Contains("litellm: 0 to create", again.Output);
        Assert.Equal(counts, await NewApiImportTests.CountsAsync(dialect));
        Assert.Equal(sourceBefore, await source.DumpAsync(LiteLlmFixture.Tables));

        await target.ReloadAsync();
        var http = target.Gateway.Http;
        using var chat = await http.SendAsync(target.Gateway.Post("/v1/chat/completions",
            """{"model":"gpt4","messages":[{"role":"user","content":"Hello"}]}""", LiteLlmFixture.TeamKey));
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        var requestId = chat.Headers.GetValues("x-request-id").Single();
        using var claude = await http.SendAsync(target.Gateway.Post("/v1/chat/completions",
            """{"model":"claude","messages":[{"role":"user","content":"Hello"}]}""", LiteLlmFixture.UserKey));
        Assert.Equal(HttpStatusCode.OK, claude.StatusCode);
        Assert.Equal("claude-sonnet-4-5", claude.Headers.GetValues("x-switchyard-model").Single());
        using var blocked = await http.SendAsync(target.Gateway.Post("/v1/chat/completions",
            """{"model":"claude","messages":[{"role":"user","content":"Hello"}]}""", LiteLlmFixture.BlockedKey));
        Assert.Equal(HttpStatusCode.Unauthorized, blocked.StatusCode);

        // LiteLLM charges input_cost_per_token × prompt + output_cost_per_token × completion.
        var record = (await target.Gateway.LedgerAsync(expectAtLeast: 2)).Single(r => r.RequestId == requestId);
        Assert.Equal((record.Usage.Input * 0.0000025m) + (record.Usage.Output * 0.00001m), record.CostUsd);
    }

    [Fact]
    public async Task ImportLiteLlm_ConfigGivenAsConfig_ReadsItAsTheSource()
    {
        await using var target = await ImportTarget.StartAsync(DatabaseKind.Sqlite);
        var configFile = Path.Combine(Directory.CreateTempSubdirectory("litellm-").FullName, "litellm_config.yaml");
        await File.WriteAllTextAsync(configFile, LiteLlmFixture.Config(target.Gateway.Mock.BaseAddress));
        // `import litellm --config litellm_config.yaml`: Switchyard's own config then comes from SWITCHYARD_CONFIG.
        var command = Switchyard.Hosting.CommandLine.Parse(["import", "litellm", "--config", configFile, "--dry-run"], out var error);
        Assert.Null(error);
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var exit = await Switchyard.Hosting.ImportCommand.RunAsync(command, name => name == "SWITCHYARD_CONFIG" ? target.ConfigPath : Environment(name),
            File.Exists, output, errors, CancellationToken.None);

        Assert.True(exit == 0, errors.ToString());
        Assert.Contains("create  channel  gpt-4o-1", output.ToString());
        Assert.Empty(await new ChannelStore(await NewApiImportTests.TargetDialectAsync(target)).ListAsync(default));
    }
}
