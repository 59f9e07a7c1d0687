using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Configuration;

/// <summary>YAML text → a validated <see cref="GatewayConfig"/>, or a <see cref="ConfigException"/> listing every problem.</summary>
public static class ConfigLoader
{
    public static GatewayConfig LoadFile(string path, Func<string, string?>? environment = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([$"{path}: cannot read the config file: {e.Message}"]);
        }
        return Parse(text, environment);
    }

    public static GatewayConfig Parse(string yaml, Func<string, string?>? environment = null)
    {
        var problems = new ConfigProblems(environment ?? Environment.GetEnvironmentVariable);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ConfigException([$"(line {e.Start.Line}, column {e.Start.Column}): invalid YAML: {e.InnerException?.Message ?? e.Message}"]);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return ConfigValidator.Validate(new GatewayConfig());
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ConfigException(["(root): the config must be a mapping of sections"]);
        }
        var config = Read(new YamlFields(root, "", problems));
        // Cross-field rules run even after field errors, so one start reports everything wrong with the file.
        var all = problems.All.Concat(ConfigValidator.Problems(config)).ToList();
        if (all.Count > 0)
        {
            throw new ConfigException(all);
        }
        return config;
    }

    private static GatewayConfig Read(YamlFields root)
    {
        var config = new GatewayConfig
        {
            Server = ReadSection(root, "server", ReadServer) ?? new ServerConfig(),
            Storage = ReadSection(root, "storage", ReadStorage) ?? new StorageConfig(),
            Security = ReadSection(root, "security", ReadSecurity) ?? new SecurityConfig(),
            Channels = root.List("channels", ReadChannel),
            Models = root.List("models", ReadModel),
            Groups = root.List("groups", ReadGroup),
            Users = root.List("users", ReadUser),
            Keys = root.List("keys", ReadKey),
            Router = ReadSection(root, "router", ReadRouter) ?? new RouterConfig(),
            Routes = root.List("routes", ReadRoute),
            HealthChecks = ReadSection(root, "health_checks", ReadHealthChecks) ?? new HealthCheckConfig(),
            Reconciliation = ReadSection(root, "reconciliation", ReadReconciliation) ?? new ReconciliationConfig(),
            Retention = ReadSection(root, "retention", ReadRetention) ?? new RetentionConfig(),
            Redaction = ReadSection(root, "redaction", f => new RedactionConfig { Patterns = f.StringList("patterns") }) ?? new RedactionConfig(),
            Metrics = ReadSection(root, "metrics", ReadMetrics) ?? new MetricsConfig(),
            Telemetry = ReadSection(root, "telemetry", ReadTelemetry) ?? new TelemetryConfig(),
            Alerts = ReadSection(root, "alerts", AlertsConfig.Read) ?? new AlertsConfig(),
        };
        root.RejectUnknown();
        return config;
    }

    private static T? ReadSection<T>(YamlFields parent, string name, Func<YamlFields, T> read) where T : class
    {
        var fields = parent.Mapping(name);
        if (fields is null)
        {
            return null;
        }
        var value = read(fields);
        fields.RejectUnknown();
        return value;
    }

    private static ServerConfig ReadServer(YamlFields f) => new()
    {
        Listen = f.String("listen") ?? ServerConfig.DefaultListen,
        MaxBodyBytes = f.Long("max_body_bytes", min: 1) ?? new ServerConfig().MaxBodyBytes,
        PublicUrl = f.String("public_url"),
        MaxUpstreamBodyBytes = f.Long("max_upstream_body_bytes", min: 1024) ?? new ServerConfig().MaxUpstreamBodyBytes,
        ShutdownDelay = f.Duration("shutdown_delay") ?? new ServerConfig().ShutdownDelay,
        ShutdownGrace = f.Duration("shutdown_grace") ?? new ServerConfig().ShutdownGrace,
        WarmUp = f.Duration("warm_up") ?? new ServerConfig().WarmUp,
    };

    private static StorageConfig ReadStorage(YamlFields f) => new()
    {
        Database = f.String("database") ?? new StorageConfig().Database,
        Redis = f.String("redis"),
        RedisFailure = f.Choice("redis_failure", [("fail_open", RedisFailureMode.FailOpen), ("fail_closed", RedisFailureMode.FailClosed)]) ?? RedisFailureMode.FailOpen,
        Journal = f.String("journal") ?? new StorageConfig().Journal,
        Durability = f.Choice("durability", [("answer", LedgerDurability.Answer), ("batch", LedgerDurability.Batch)]) ?? LedgerDurability.Batch,
    };

    private static SecurityConfig ReadSecurity(YamlFields f) => new()
    {
        // Empty means none, so one file serves relays started without the variable: master_key: ${SWITCHYARD_MASTER_KEY:-}.
        MasterKey = f.String("master_key") is { Length: > 0 } master ? master : null,
        SecretKey = f.String("secret_key"),
        PreviousSecretKeys = f.StringList("previous_secret_keys"),
        SessionTtl = f.Duration("session_ttl") ?? new SecurityConfig().SessionTtl,
        PasswordResetTtl = f.Duration("password_reset_ttl") ?? new SecurityConfig().PasswordResetTtl,
        UpstreamHosts = ReadSection(f, "upstream_hosts", h => new UpstreamHostsConfig { Allow = h.StringList("allow"), Deny = h.StringList("deny") }) ?? new UpstreamHostsConfig(),
    };

    private static ChannelConfig ReadChannel(YamlFields f) => new()
    {
        Name = f.String("name", required: true) ?? "",
        Type = f.String("type", required: true) ?? "",
        BaseUrl = f.String("base_url", required: true) ?? "",
        // Channel secrets may name files the running gateway watches, so their ${file:} references stay unread here.
        Keys = f.StringList("keys", readFiles: false),
        KeysFile = f.String("keys_file"),
        Models = f.StringList("models"),
        ModelMap = f.StringMap("model_map"),
        Groups = f.StringList("groups"),
        Priority = (int)(f.Long("priority", min: int.MinValue) ?? 0),
        Weight = (int)(f.Long("weight", min: 0) ?? 1),
        Headers = f.StringMap("headers", readFiles: false),
        Responses = f.OneOf("responses", "true", "false", "only") is "true" or "only",
        ResponsesOnly = f.OneOf("responses", "true", "false", "only") == "only",
        HostedTools = f.StringList("hosted_tools"),
    };

    private static ModelConfig ReadModel(YamlFields f) => new()
    {
        Name = f.String("name", required: true) ?? "",
        Aliases = f.StringList("aliases"),
        Price = ReadSection(f, "price", p => new PriceConfig
        {
            Input = p.Decimal("input") ?? 0,
            Output = p.Decimal("output") ?? 0,
            CachedInput = p.Decimal("cached_input"),
            CacheWrite = p.Decimal("cache_write"),
            Reasoning = p.Decimal("reasoning"),
            PerRequest = p.Decimal("per_request"),
        }),
        Fallbacks = f.StringList("fallbacks"),
    };

    private static LimitsConfig? ReadLimits(YamlFields f) => ReadSection(f, "limits", ReadLimitValues);

    private static LimitsConfig ReadLimitValues(YamlFields l) => new()
    {
        Rpm = l.Long("rpm", min: 0),
        Tpm = l.Long("tpm", min: 0),
        TokensPerDay = l.Long("tokens_per_day", min: 0),
        TokensPerMonth = l.Long("tokens_per_month", min: 0),
        UsdPerDay = l.Decimal("usd_per_day"),
        UsdPerMonth = l.Decimal("usd_per_month"),
        UsdTotal = l.Decimal("usd_total"),
        MaxParallel = l.Long("max_parallel", min: 0),
        Models = l.MappingOfMappings("models", m =>
        {
            var limits = ReadLimitValues(m);
            m.RejectUnknown();
            return limits;
        }),
        Endpoints = l.MappingOfMappings("endpoints", m =>
        {
            var limits = ReadLimitValues(m);
            m.RejectUnknown();
            return limits;
        }),
    };

    private static GroupConfig ReadGroup(YamlFields f) => new()
    {
        Name = f.String("name", required: true) ?? "",
        Models = f.StringList("models"),
        Limits = ReadLimits(f),
        TimeZone = f.String("timezone") ?? "UTC",
        PriceMultiplier = f.Decimal("price_multiplier") ?? 1m,
        StoreBodies = f.Bool("store_bodies") ?? false,
    };

    private static UserConfig ReadUser(YamlFields f) => new()
    {
        Name = f.String("name", required: true) ?? "",
        Group = f.String("group", required: true) ?? "",
        Role = f.String("role") ?? Roles.User,
        Limits = ReadLimits(f),
        Password = f.String("password"),
    };

    private static KeyConfig ReadKey(YamlFields f) => new()
    {
        Name = f.String("name", required: true) ?? "",
        Secret = f.String("secret"),
        User = f.String("user"),
        Group = f.String("group", required: true) ?? "",
        Models = f.StringList("models"),
        Limits = ReadLimits(f),
        ExpiresAt = f.Timestamp("expires_at"),
    };

    private static RouteRuleConfig ReadRoute(YamlFields f) => new()
    {
        Name = f.String("name", required: true) ?? "",
        Model = f.String("model", required: true) ?? "",
        Enabled = f.Bool("enabled") ?? true,
        When = ReadSection(f, "when", w => new RouteConditions
        {
            Headers = w.StringMap("header"),
            Groups = w.StringList("groups"),
            Keys = w.StringList("keys"),
            MinPromptTokens = w.Long("min_prompt_tokens", min: 0),
            MaxPromptTokens = w.Long("max_prompt_tokens", min: 0),
            Tools = w.Bool("tools"),
            Images = w.Bool("images"),
            Reasoning = w.Bool("reasoning"),
            Protocols = w.StringList("protocols"),
        }) ?? new RouteConditions(),
        Target = ReadSection(f, "target", t => new RouteTarget { Model = t.String("model"), Channels = t.StringList("channels") }),
        Split = ReadSection(f, "split", s => new RouteSplit
        {
            Sticky = s.String("sticky") ?? "key",
            Arms = s.List("arms", a => new RouteArm
            {
                Name = a.String("name", required: true) ?? "",
                Percent = a.Decimal("percent") ?? 0,
                Model = a.String("model"),
                Channels = a.StringList("channels"),
            }),
        }),
    };

    private static RouterConfig ReadRouter(YamlFields f)
    {
        var defaults = new RouterConfig();
        return new RouterConfig
        {
            NumRetries = (int)(f.Long("num_retries", min: 0) ?? defaults.NumRetries),
            RequestTimeout = f.Duration("request_timeout") ?? defaults.RequestTimeout,
            FirstByteTimeout = f.Duration("first_byte_timeout") ?? defaults.FirstByteTimeout,
            StreamIdleTimeout = f.Duration("stream_idle_timeout") ?? defaults.StreamIdleTimeout,
            AllowedFails = (int)(f.Long("allowed_fails", min: 1) ?? defaults.AllowedFails),
            Cooldown = f.Duration("cooldown") ?? defaults.Cooldown,
            FailureRate = (double)(f.Decimal("failure_rate") ?? (decimal)defaults.FailureRate),
            MinRequests = (int)(f.Long("min_requests", min: 1) ?? defaults.MinRequests),
        };
    }

    private static ReconciliationConfig ReadReconciliation(YamlFields f)
    {
        var defaults = new ReconciliationConfig();
        return new ReconciliationConfig
        {
            Tolerance = f.Decimal("tolerance") ?? defaults.Tolerance,
            ToleranceUsd = f.Decimal("tolerance_usd") ?? defaults.ToleranceUsd,
            Folder = f.String("folder"),
            RunAt = f.Duration("run_at") ?? defaults.RunAt,
        };
    }

    private static RetentionConfig ReadRetention(YamlFields f)
    {
        var defaults = new RetentionConfig();
        return new RetentionConfig
        {
            RequestDays = (int)(f.Long("request_days", min: 1) ?? defaults.RequestDays),
            RollupDays = (int)(f.Long("rollup_days", min: 1) ?? defaults.RollupDays),
            BodyMaxBytes = (int)(f.Long("body_max_bytes", min: 0) ?? defaults.BodyMaxBytes),
        };
    }

    private static HealthCheckConfig ReadHealthChecks(YamlFields f) => new()
    {
        Interval = f.Duration("interval") ?? new HealthCheckConfig().Interval,
    };

    private static MetricsConfig ReadMetrics(YamlFields f) => new()
    {
        Enabled = f.Bool("enabled") ?? true,
        Token = f.String("token"),
        PerKey = f.Bool("per_key") ?? false,
    };

    private static TelemetryConfig ReadTelemetry(YamlFields f) => new()
    {
        OtlpEndpoint = f.String("otlp_endpoint"),
        ExportInterval = f.Duration("export_interval") ?? new TelemetryConfig().ExportInterval,
        ServiceName = f.String("service_name") ?? new TelemetryConfig().ServiceName,
        TraceSampleRatio = (double)(f.Decimal("trace_sample_ratio") ?? 1m),
        TraceFailures = f.Bool("trace_failures") ?? true,
    };
}
