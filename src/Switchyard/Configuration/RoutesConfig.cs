namespace Switchyard.Configuration;

/// <summary>
/// One routing rule (<c>routes:</c>): for requests whose model matches <see cref="Model"/> (a name, an alias or a
/// pattern such as <c>gpt-4o*</c>) and whose features meet <see cref="When"/>, either a fixed <see cref="Target"/> or a
/// <see cref="Split"/> between arms. Rules are tried in order; the first that matches wins.
/// </summary>
public sealed record RouteRuleConfig
{
    public required string Name { get; init; }
    public required string Model { get; init; }
    public RouteConditions When { get; init; } = new();
    public RouteTarget? Target { get; init; }
    public RouteSplit? Split { get; init; }

    /// <summary>A disabled rule keeps its place and settings but matches nothing (a switch the admin API and console flip).</summary>
    public bool Enabled { get; init; } = true;
}

/// <summary>What a request must show for a rule to match; every condition set must hold, an unset one always does.</summary>
public sealed record RouteConditions
{
    /// <summary>Header name → the value it must have exactly (<c>*</c>: present with any value).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>Virtual key names.</summary>
    public IReadOnlyList<string> Keys { get; init; } = [];

    /// <summary>The prompt's estimated size in tokens (the body's bytes / 4, as admission reserves), at least / at most.</summary>
    public long? MinPromptTokens { get; init; }
    public long? MaxPromptTokens { get; init; }
    public bool? Tools { get; init; }
    public bool? Images { get; init; }
    public bool? Reasoning { get; init; }

    /// <summary>Client protocols (<see cref="RouteProtocols.All"/>).</summary>
    public IReadOnlyList<string> Protocols { get; init; } = [];
}

/// <summary>Where a matched request goes: another model, a set of channels, or both. Unset parts route as configured.</summary>
public sealed record RouteTarget
{
    public string? Model { get; init; }
    public IReadOnlyList<string> Channels { get; init; } = [];
}

/// <summary>
/// Traffic shared between arms by percentage, sticky per caller: the same key (or the same value of
/// <c>header:NAME</c>) always lands on the same arm while the percentages stay.
/// </summary>
public sealed record RouteSplit
{
    /// <summary><c>key</c>, or <c>header:NAME</c> (a request without the header falls back to its key).</summary>
    public string Sticky { get; init; } = "key";
    public IReadOnlyList<RouteArm> Arms { get; init; } = [];
}

public sealed record RouteArm
{
    public required string Name { get; init; }
    public decimal Percent { get; init; }
    public string? Model { get; init; }
    public IReadOnlyList<string> Channels { get; init; } = [];
}

/// <summary>The client protocols a rule may name, and the endpoint each relay endpoint belongs to.</summary>
public static class RouteProtocols
{
    public static readonly IReadOnlyList<string> All = ["openai.chat", "openai.responses", "openai.embeddings", "anthropic.messages", "gemini"];

    public static string For(string endpoint) => endpoint switch
    {
        "chat.completions" => "openai.chat",
        "responses" => "openai.responses",
        "embeddings" => "openai.embeddings",
        "messages" or "messages.count_tokens" => "anthropic.messages",
        _ when endpoint.StartsWith("gemini.", StringComparison.Ordinal) => "gemini",
        _ => endpoint,
    };
}
