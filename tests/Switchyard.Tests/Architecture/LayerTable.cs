namespace Switchyard.Tests.Architecture;

/// <summary>One folder under src/Switchyard: its one job and the folders it may import.</summary>
internal sealed record FolderRule(string Folder, string Job, IReadOnlyList<string> MayImport)
{
    /// <summary>Hosting composes everything and is imported by nothing: it may import every folder.</summary>
    public bool ImportsAnything => MayImport is ["*"];
}

/// <summary>
/// The allowed folder dependencies, bottom layer first. The architecture test holds the assembly to it, and
/// docs/development.md's "Where does my change go" table is generated from it. A new arrow is added here on purpose,
/// in review, or not at all.
/// </summary>
internal static class LayerTable
{
    public static readonly IReadOnlyList<FolderRule> Rules =
    [
        // 1. Contracts: imports nothing of the gateway.
        new("Contracts", "The canonical request, response and stream model; token usage; the gateway error and its kind; the attempt record; the codec and adapter interfaces; pure classifiers; shared JSON settings.", []),
        new("Wire", "Each upstream family's JSON as both sides read it: usage readers, finish reasons, Gemini parts, SSE frames.", ["Contracts"]),
        // 2. Configuration, Security, Resp, Pricing.
        new("Resp", "The Redis client (RESP protocol).", []),
        new("Configuration", "YAML config to validated sealed records; the database location; alert event names.", ["Resp"]),
        new("Security", "Secret sealing, hashing and the one redactor every log line and error passes.", ["Configuration", "Contracts"]),
        new("Pricing", "The price book built from config and the built-in table; the cost of a usage.", ["Contracts", "Configuration"]),
        // 3. Domain features: never Relay, never Hosting; Protocols and Providers never each other.
        new("Protocols", "Client-facing codecs (OpenAI chat, Responses, Anthropic, Gemini), the client-protocol and stream-tap abstractions, the fast-path envelope.", ["Billing", "Configuration", "Contracts", "Wire"]),
        new("Providers", "Upstream adapters: request bodies, answer and stream parsers, failure classification; the shared upstream HTTP client.", ["Contracts", "Wire"]),
        new("Resilience", "Per-key health: circuit breaker, cool-down, key statistics, health checks.", ["Configuration", "Providers", "Routing", "Storage", "Telemetry"]),
        new("Routing", "Model aliases, channel selection and fallback chains; the runtime snapshot requests read and its holder.", ["Configuration", "Pricing", "Resilience"]),
        new("Tenancy", "Groups, users, virtual keys and the key ring.", ["Configuration", "Security", "Storage"]),
        new("Quotas", "Rate limits, token caps and dollar budgets: plans, reservations, memory and Redis stores.", ["Configuration", "Contracts", "Pricing", "Resp", "Routing", "Tenancy"]),
        new("Billing", "The usage record and ledger writer, journal and write-ahead log, token estimates, retention, reconciliation.", ["Configuration", "Contracts", "Pricing", "Routing", "Security", "Storage", "Telemetry"]),
        new("Audit", "The hash-chained audit log.", ["Storage"]),
        new("Storage", "SQLite and PostgreSQL: dialects, migrations and the stores that persist each feature's records.", ["Audit", "Billing", "Configuration", "Contracts", "Pricing", "Resilience", "Telemetry", "Tenancy"]),
        new("Telemetry", "Metrics, tracing (OTLP), request logs and alerts; reads finished requests as plain records.", ["Billing", "Configuration", "Contracts", "Quotas", "Resilience", "Routing", "Security", "Storage"]),
        new("SharedState", "Loads what the database holds for every instance (groups, users, keys, channels, models) into the runtime snapshot, and reloads it when another instance changed it.", ["Configuration", "Routing", "Security", "Storage", "Tenancy"]),
        // 4. The pipeline and the admin surface orchestrate the features.
        new("Relay", "The request pipeline: authenticate, decode, route, admit, dispatch, encode, settle.", ["Billing", "Configuration", "Contracts", "Pricing", "Protocols", "Providers", "Quotas", "Resilience", "Routing", "Security", "Telemetry", "Tenancy", "Wire"]),
        new("Import", "Moves another gateway's state in (new-api, one-api, LiteLLM): reads its database or config read-only and writes through the stores, sealing and hashing the admin API uses.", ["Audit", "Configuration", "Security", "Storage", "Tenancy"]),
        new("Admin", "The admin REST API and the web UI.", ["Audit", "Billing", "Configuration", "Contracts", "Pricing", "Protocols", "Quotas", "Relay", "Resilience", "Routing", "Security", "SharedState", "Storage", "Telemetry", "Tenancy"]),
        // 5. The top: imported by nothing.
        new("Hosting", "Composition: service registration, endpoint mapping, the CLI and maintenance commands.", ["*"]),
    ];

    /// <summary>Arrows no change may add, whatever the table above says: the promises of the architecture.</summary>
    public static readonly IReadOnlyList<(string From, string To)> Forbidden =
    [
        ("Protocols", "Relay"), ("Providers", "Relay"), ("Protocols", "Providers"), ("Providers", "Protocols"),
        ("Storage", "Relay"), ("Telemetry", "Relay"), ("Contracts", "*"), ("*", "Hosting"),
    ];

    public static FolderRule? For(string folder) => Rules.FirstOrDefault(r => r.Folder == folder);

    public static bool Allows(string from, string to)
    {
        if (Forbidden.Any(f => (f.From == from || f.From == "*") && (f.To == to || f.To == "*")))
        {
            return false;
        }
        return For(from) is { } rule && (rule.ImportsAnything || rule.MayImport.Contains(to));
    }

    /// <summary>The markdown table docs/development.md carries between its layer markers.</summary>
    public static string RenderMarkdown()
    {
        var lines = new List<string>
        {
            "| Folder | Its one job | May import |",
            "|---|---|---|",
        };
        foreach (var rule in Rules)
        {
            var imports = rule.ImportsAnything ? "any folder" : rule.MayImport.Count == 0 ? "nothing of the gateway" : string.Join(", ", rule.MayImport);
            lines.Add($"| `{rule.Folder}` | {rule.Job} | {imports} |");
        }
        return string.Join('\n', lines);
    }
}
