using Switchyard.Configuration;

namespace Switchyard.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["SWITCHYARD_MASTER_KEY"] = "master-key-0123456789",
        ["SWITCHYARD_SECRET_KEY"] = "secret-key-0123456789",
        ["WANQING_API_KEY"] = "wq-upstream-key",
        ["WANG_KEY"] = "sk-sy-wang-0123456789abcdef",
    };

    private static string? Lookup(string name) => Environment.GetValueOrDefault(name);

    private const string InterfaceExample = """
        server:
          listen: http://127.0.0.1:4000
          max_body_bytes: 10485760
        storage:
          database: sqlite:data/switchyard.db
          redis: redis://:password@127.0.0.1:6379/0
        security:
          master_key: ${SWITCHYARD_MASTER_KEY}
          secret_key: ${SWITCHYARD_SECRET_KEY}
        channels:
          - name: wanqing-deepseek
            type: openai
            base_url: https://example.invalid/v1
            keys: ["${WANQING_API_KEY}"]
            models: [deepseek-chat, deepseek-reasoner]
            model_map: { ds: deepseek-chat }
            groups: [rd, product]
            priority: 10
            weight: 1
            headers: {}
        models:
          - name: deepseek-chat
            aliases: [ds-chat]
            price: { input: 0.27, output: 1.10, cached_input: 0.07, cache_write: 0.27, reasoning: 1.10 }
            fallbacks: [qwen-max]
        groups:
          - name: rd
            models: [deepseek-chat, hunyuan-turbo]
            limits: { rpm: 1000, tpm: 500000, tokens_per_day: 10000000, tokens_per_month: 200000000, usd_per_day: 20, usd_per_month: 100 }
          - name: product
        users:
          - name: wang
            group: rd
            role: user
            limits: { usd_per_month: 20 }
        keys:
          - name: wang-key
            secret: ${WANG_KEY}
            user: wang
            group: rd
            models: [deepseek-chat]
            limits: { rpm: 20, usd_total: 30 }
            expires_at: 2027-01-01T00:00:00Z
        router:
          num_retries: 2
          request_timeout: 600s
          first_byte_timeout: 60s
          allowed_fails: 3
          cooldown: 30s
        health_checks:
          interval: 5m
        """;

    [Fact]
    public void Parse_InterfaceExample_ReadsEverySection()
    {
        var config = ConfigLoader.Parse(InterfaceExample, Lookup);

        Assert.Equal("http://127.0.0.1:4000", config.Server.Listen);
        Assert.Equal(10485760, config.Server.MaxBodyBytes);
        Assert.Equal("master-key-0123456789", config.Security.MasterKey);
        var channel = Assert.Single(config.Channels);
        Assert.Equal(["wq-upstream-key"], channel.Keys);
        Assert.Equal("deepseek-chat", channel.ModelMap["ds"]);
        Assert.Equal(10, channel.Priority);
        var model = Assert.Single(config.Models);
        Assert.Equal(0.27m, model.Price!.Input);
        Assert.Equal(0.07m, model.Price.CachedInput);
        Assert.Equal(["qwen-max"], model.Fallbacks);
        Assert.Equal(500000, config.Groups[0].Limits!.Tpm);
        Assert.Equal(100m, config.Groups[0].Limits!.UsdPerMonth);
        Assert.Equal("sk-sy-wang-0123456789abcdef", config.Keys[0].Secret);
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), config.Keys[0].ExpiresAt);
        Assert.Equal(TimeSpan.FromSeconds(60), config.Router.FirstByteTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), config.HealthChecks.Interval);
    }

    [Fact]
    public void Parse_LedgerDurabilityAndBodyStorage()
    {
        var config = ConfigLoader.Parse(
            "storage:\n  durability: answer\nretention:\n  body_max_bytes: 4096\ngroups:\n  - name: rd\n    store_bodies: true\n  - name: qa\n", Lookup);

        Assert.Equal(LedgerDurability.Answer, config.Storage.Durability);
        Assert.Equal(4096, config.Retention.BodyMaxBytes);
        Assert.Equal([true, false], config.Groups.Select(g => g.StoreBodies));
        var defaults = ConfigLoader.Parse("", Lookup);
        Assert.Equal((LedgerDurability.Batch, 65536), (defaults.Storage.Durability, defaults.Retention.BodyMaxBytes));
    }

    [Fact]
    public void Parse_EmptyFile_GivesDefaults()
    {
        var config = ConfigLoader.Parse("", Lookup);

        Assert.Equal(ServerConfig.DefaultListen, config.Server.Listen);
        Assert.Equal("sqlite:data/switchyard.db", config.Storage.Database);
    }

    [Fact]
    public void Parse_EnvironmentDefault_UsedWhenVariableUnset()
    {
        var config = ConfigLoader.Parse("server:\n  listen: ${SWITCHYARD_LISTEN:-http://127.0.0.1:4999}\n", Lookup);

        Assert.Equal("http://127.0.0.1:4999", config.Server.Listen);
    }

    [Fact]
    public void Parse_MasterKeyDefaultingToEmpty_MeansNoMasterKey()
    {
        // What a relay started without SWITCHYARD_MASTER_KEY reads from the shared file.
        var config = ConfigLoader.Parse("security:\n  master_key: ${NOT_SET_ANYWHERE:-}\n", Lookup);

        Assert.Null(config.Security.MasterKey);
    }

    [Fact]
    public void Parse_RouteEnabledFalse_KeptAndSkippedByTheRouter()
    {
        var config = ConfigLoader.Parse("routes:\n  - { name: off, model: gpt-4o, enabled: false, target: { model: gpt-4o-mini } }\n", Lookup);

        Assert.False(Assert.Single(config.Routes).Enabled);
        Assert.True(new Switchyard.Routing.RouteRules(config.Routes).IsEmpty);
    }

    [Theory]
    [InlineData("security:\n  master_key: ${NOT_SET_ANYWHERE}\n", "security.master_key: environment variable NOT_SET_ANYWHERE is not set")]
    [InlineData("server:\n  listen: localhost:4000\n", "server.listen: must be an http:// or https:// URL")]
    [InlineData("server:\n  max_body_bytes: lots\n", "server.max_body_bytes: must be an integer")]
    [InlineData("server:\n  listen_on: x\n", "server.listen_on: is not a known field")]
    [InlineData("storage:\n  database: mysql://x\n", "storage.database: must start with sqlite: or postgres://")]
    [InlineData("channels:\n  - name: a\n    type: openai\n    models: [m]\n", "channels[0].base_url: is required")]
    [InlineData("channels:\n  - name: a\n    type: openai\n    base_url: https://x.invalid/v1\n  - name: b\n    type: openai\n    base_url: ftp://x\n    models: [m]\n", "channels[1].base_url: must be an http:// or https:// URL")]
    [InlineData("channels:\n  - name: a\n    type: cohere\n    base_url: https://x.invalid\n    models: [m]\n", "channels[0].type: unknown channel type 'cohere'")]
    [InlineData("channels:\n  - name: a\n    type: openai\n    base_url: https://x.invalid\n", "channels[0].models: a channel must serve at least one model")]
    [InlineData("channels:\n  - name: a\n    type: openai\n    base_url: https://x.invalid\n    models: [m]\n    weight: -1\n", "channels[0].weight: must be an integer >= 0")]
    [InlineData("groups:\n  - name: rd\n  - name: rd\n", "groups[1].name: duplicate name 'rd'")]
    [InlineData("groups:\n  - name: rd\nkeys:\n  - name: k\n    group: qa\n", "keys[0].group: unknown group 'qa'")]
    [InlineData("groups:\n  - name: rd\nkeys:\n  - name: k\n    group: rd\n    user: nobody\n", "keys[0].user: unknown user 'nobody'")]
    [InlineData("groups:\n  - name: rd\nusers:\n  - name: u\n    group: rd\n    role: owner\n", "users[0].role: must be one of super_admin, group_admin, user")]
    [InlineData("storage:\n  durability: sometimes\n", "storage.durability: must be answer or batch, got 'sometimes'")]
    [InlineData("groups:\n  - name: rd\nkeys:\n  - name: k\n    group: rd\n    secret: short\n", "keys[0].secret: must be at least 16 characters")]
    [InlineData("groups:\n  - name: rd\nkeys:\n  - name: k\n    group: rd\n    expires_at: soon\n", "keys[0].expires_at: must be a timestamp")]
    [InlineData("groups:\n  - name: rd\n    limits: { rpm: many }\n", "groups[0].limits.rpm: must be an integer >= 0")]
    [InlineData("groups:\n  - name: rd\n    limits: { rpn: 5 }\n", "groups[0].limits.rpn: is not a known field")]
    [InlineData("security:\n  session_ttl: 0s\n", "security.session_ttl: must be from 1s to 30d")]
    [InlineData("security:\n  password_reset_ttl: 10s\n", "security.password_reset_ttl: must be from 1m to 30d")]
    [InlineData("server:\n  public_url: gateway.example.com\n", "server.public_url: must be an http:// or https:// URL without query or fragment")]
    [InlineData("telemetry:\n  trace_sample_ratio: 1.5\n", "telemetry.trace_sample_ratio: must be from 0 to 1")]
    [InlineData("router:\n  cooldown: 30 seconds\n", "router.cooldown: must be a duration such as 500ms, 30s, 5m, 1h or 1d")]
    [InlineData("models:\n  - name: a\n    aliases: [b]\n  - name: b\n", "models[0].aliases[0]: 'b' is already a model name or alias")]
    [InlineData("models:\n  - name: a\n    price: { input: cheap }\n", "models[0].price.input: must be a non-negative decimal number")]
    [InlineData("channels: {}\n", "channels: must be a list")]
    [InlineData("server: [1, 2]\n", "server: must be a mapping")]
    [InlineData("mystery: 1\n", "mystery: is not a known field")]
    public void Parse_BadConfig_NamesTheFieldPath(string yaml, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, Lookup));

        Assert.Contains(error.Problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOne()
    {
        var yaml = "server:\n  listen: nope\n  max_body_bytes: x\nrouter:\n  cooldown: forever\n";

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, Lookup));

        Assert.Equal(3, error.Problems.Count);
    }

    [Fact]
    public void Parse_InvalidYaml_SaysWhere()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("server:\n  listen: [unclosed\n", Lookup));

        Assert.Contains("line", Assert.Single(error.Problems));
    }

    [Fact]
    public void LoadFile_MissingFile_NamesThePath()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFile("/nonexistent/switchyard.yaml", Lookup));

        Assert.StartsWith("/nonexistent/switchyard.yaml: cannot read the config file", Assert.Single(error.Problems));
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("1.5s", 1_500)]
    public void Duration_TryParse_ReadsEachUnit(string text, double milliseconds)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(milliseconds, value.TotalMilliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("s")]
    [InlineData("10w")]
    public void Duration_TryParse_RejectsOtherForms(string text) => Assert.False(Duration.TryParse(text, out _));
}
