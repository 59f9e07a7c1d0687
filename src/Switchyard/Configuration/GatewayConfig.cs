namespace Switchyard.Configuration;

/// <summary>The validated configuration: what the YAML file (or demo mode) declares.</summary>
public sealed record GatewayConfig
{
    public ServerConfig Server { get; init; } = new();
    public StorageConfig Storage { get; init; } = new();
    public SecurityConfig Security { get; init; } = new();
    public IReadOnlyList<ChannelConfig> Channels { get; init; } = [];
    public IReadOnlyList<ModelConfig> Models { get; init; } = [];
    public IReadOnlyList<GroupConfig> Groups { get; init; } = [];
    public IReadOnlyList<UserConfig> Users { get; init; } = [];
    public IReadOnlyList<KeyConfig> Keys { get; init; } = [];
    public RouterConfig Router { get; init; } = new();

    /// <summary>Ordered routing rules and splits (<c>routes:</c>); the first that matches a request wins.</summary>
    public IReadOnlyList<RouteRuleConfig> Routes { get; init; } = [];
    public HealthCheckConfig HealthChecks { get; init; } = new();
    public ReconciliationConfig Reconciliation { get; init; } = new();
    public RetentionConfig Retention { get; init; } = new();
    public RedactionConfig Redaction { get; init; } = new();
    public MetricsConfig Metrics { get; init; } = new();
    public TelemetryConfig Telemetry { get; init; } = new();
    public AlertsConfig Alerts { get; init; } = new();
}

public sealed record ServerConfig
{
    public const string DefaultListen = "http://127.0.0.1:4000";
    public string Listen { get; init; } = DefaultListen;
    public long MaxBodyBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>
    /// The address clients and browsers reach the gateway at (<c>server.public_url</c>, e.g. behind a proxy): links the
    /// gateway hands out, such as password reset links, start with it. Unset, they use the address the request came to.
    /// </summary>
    public string? PublicUrl { get; init; }

    /// <summary>
    /// Largest non-stream upstream answer (and largest single stream frame) the gateway reads: the converted path must
    /// hold an answer whole to parse it, so this bounds the memory one request can take.
    /// </summary>
    public long MaxUpstreamBodyBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>
    /// After SIGTERM (or Ctrl-C), how long the instance answers <c>/readyz</c> with 503 while still serving, so load
    /// balancers take it out of rotation before it stops accepting connections.
    /// </summary>
    public TimeSpan ShutdownDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>After it stops accepting, how long requests and streams in flight may take to finish before they are cut.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Before the gateway starts listening, how long it runs its request path on loopback against a throwaway copy of
    /// itself, so the runtime has compiled more of the hot code before the first real request (0, the default, skips
    /// it: it delays every start by as long and helps only in part; bench/README.md has the measurements).
    /// </summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.Zero;
}

public sealed record StorageConfig
{
    public string Database { get; init; } = "sqlite:data/switchyard.db";
    public string? Redis { get; init; }

    /// <summary>When Redis is unreachable: <c>fail_open</c> (per-instance limits) or <c>fail_closed</c> (503).</summary>
    public RedisFailureMode RedisFailure { get; init; } = RedisFailureMode.FailOpen;

    /// <summary>Folder for usage records the database could not take; replayed when it answers again.</summary>
    public string Journal { get; init; } = "data/journal";

    /// <summary>
    /// <c>answer</c>: each usage record is fsynced to the journal's write-ahead log before the client's answer completes
    /// (a crash loses no answered request); <c>batch</c>: records wait in memory for the next database batch (a crash
    /// loses at most that window, about 50 ms, but no fsync is waited for on the request path).
    /// </summary>
    public LedgerDurability Durability { get; init; } = LedgerDurability.Batch;
}

public sealed record SecurityConfig
{
    public string? MasterKey { get; init; }
    public string? SecretKey { get; init; }

    /// <summary>Secrets that sealed values may still be under after a rotation; `switchyard reencrypt` moves them to the current one.</summary>
    public IReadOnlyList<string> PreviousSecretKeys { get; init; } = [];

    /// <summary>How long a web UI login lasts (<c>security.session_ttl</c>); the user logs in again after it.</summary>
    public TimeSpan SessionTtl { get; init; } = TimeSpan.FromHours(12);

    /// <summary>How long a one-time password reset link works (<c>security.password_reset_ttl</c>).</summary>
    public TimeSpan PasswordResetTtl { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Address ranges channel targets may (<c>allow</c>) or may not (<c>deny</c>) use; see <see cref="UpstreamHostPolicy"/>.</summary>
    public UpstreamHostsConfig UpstreamHosts { get; init; } = new();
}

public sealed record ChannelConfig
{
    private readonly string _type = "";

    public required string Name { get; init; }

    /// <summary>The channel type as configured ("openai", "anthropic", "gemini"); <see cref="Family"/> is its parsed form.</summary>
    public required string Type
    {
        get => _type;
        init
        {
            _type = value;
            Family = ChannelFamilies.Parse(value);
        }
    }

    /// <summary>The upstream family, parsed once when the config is built; <see cref="ChannelFamily.Unknown"/> fails validation.</summary>
    public ChannelFamily Family { get; private init; }
    public required string BaseUrl { get; init; }
    public IReadOnlyList<string> Keys { get; init; } = [];

    /// <summary>
    /// A file holding more keys, one a line (<c>keys_file</c>), as a secrets agent writes it; the running gateway reads
    /// and re-reads it (see <see cref="SecretFiles"/>), and <see cref="Keys"/> may hold <c>${file:PATH}</c> references too.
    /// </summary>
    public string? KeysFile { get; init; }

    /// <summary>
    /// Set on the resolved channel when a key file it names is missing or empty and no earlier read can stand in: the
    /// channel is skipped rather than called without its keys.
    /// </summary>
    public bool SecretsMissing { get; init; }
    public IReadOnlyList<string> Models { get; init; } = [];
    public IReadOnlyDictionary<string, string> ModelMap { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Groups { get; init; } = [];
    public int Priority { get; init; }
    public int Weight { get; init; } = 1;
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>An <c>openai</c> channel whose upstream also speaks the Responses API (<c>/responses</c>): <c>responses: true</c>.</summary>
    public bool Responses { get; init; }

    /// <summary><c>responses: only</c>: the upstream speaks nothing but the Responses API, so chat completions are converted to it too.</summary>
    public bool ResponsesOnly { get; init; }

    /// <summary>
    /// <c>hosted_tools</c>: the client's hosted tools this channel may map to its upstream's own equivalent when a request is
    /// converted (<c>web_search</c> → Anthropic's server web search, Gemini's Google Search grounding). Off by default:
    /// the upstream's search runs (and bills) on the channel's account. Hosted tools not allowed are left out.
    /// </summary>
    public IReadOnlyList<string> HostedTools { get; init; } = [];
}

public sealed record ModelConfig
{
    public required string Name { get; init; }
    public IReadOnlyList<string> Aliases { get; init; } = [];
    public PriceConfig? Price { get; init; }
    public IReadOnlyList<string> Fallbacks { get; init; } = [];
}

/// <summary>USD per one million tokens.</summary>
public sealed record PriceConfig
{
    public decimal Input { get; init; }
    public decimal Output { get; init; }
    public decimal? CachedInput { get; init; }
    public decimal? CacheWrite { get; init; }
    public decimal? Reasoning { get; init; }

    /// <summary>USD added to every request of the model, beside its tokens.</summary>
    public decimal? PerRequest { get; init; }
}

public sealed record LimitsConfig
{
    public long? Rpm { get; init; }
    public long? Tpm { get; init; }
    public long? TokensPerDay { get; init; }
    public long? TokensPerMonth { get; init; }
    public decimal? UsdPerDay { get; init; }
    public decimal? UsdPerMonth { get; init; }
    public decimal? UsdTotal { get; init; }
    public long? MaxParallel { get; init; }

    /// <summary>Per-model limits of a key, user or group (<c>limits.models: {gpt-4o: {rpm: 10}}</c>).</summary>
    public IReadOnlyDictionary<string, LimitsConfig>? Models { get; init; }

    /// <summary>
    /// Per-endpoint limits of a key, user or group (<c>limits.endpoints: {embeddings: {rpm: 100}}</c>), named as in
    /// <see cref="LimitEndpoints.All"/>.
    /// </summary>
    public IReadOnlyDictionary<string, LimitsConfig>? Endpoints { get; init; }
}

public sealed record GroupConfig
{
    public required string Name { get; init; }
    public IReadOnlyList<string> Models { get; init; } = [];
    public LimitsConfig? Limits { get; init; }

    /// <summary>IANA time zone whose midnight starts the group's days and months (default UTC).</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>Every cost of this group's requests is multiplied by this (0.8 = a 20% discount).</summary>
    public decimal PriceMultiplier { get; init; } = 1m;

    /// <summary>Keep a redacted, size-capped copy of this group's prompts and completions (off unless opted in).</summary>
    public bool StoreBodies { get; init; }
}

public static class Roles
{
    public const string SuperAdmin = "super_admin";
    public const string GroupAdmin = "group_admin";
    public const string User = "user";
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { SuperAdmin, GroupAdmin, User };
}

public sealed record UserConfig
{
    public required string Name { get; init; }
    public required string Group { get; init; }
    public string Role { get; init; } = Roles.User;
    public LimitsConfig? Limits { get; init; }

    /// <summary>Optional login password for the web UI; stored only as its PBKDF2 hash.</summary>
    public string? Password { get; init; }
}

public sealed record KeyConfig
{
    public required string Name { get; init; }
    public string? Secret { get; init; }
    public string? User { get; init; }
    public required string Group { get; init; }
    public IReadOnlyList<string> Models { get; init; } = [];
    public LimitsConfig? Limits { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
}

public sealed record RouterConfig
{
    public int NumRetries { get; init; } = 2;
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(600);
    public TimeSpan FirstByteTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest silence allowed between two reads of an upstream stream.</summary>
    public TimeSpan StreamIdleTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public int AllowedFails { get; init; } = 3;
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Open a key's circuit when this share of its calls in the last minute failed…</summary>
    public double FailureRate { get; init; } = 0.5;

    /// <summary>…provided it had at least this many calls (so one failure of two does not trip it).</summary>
    public int MinRequests { get; init; } = 20;
}

public sealed record HealthCheckConfig
{
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(5);
}
