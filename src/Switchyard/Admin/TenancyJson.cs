using System.Text.Json.Serialization;
using Switchyard.Audit;
using Switchyard.Configuration;

namespace Switchyard.Admin;

internal sealed record GroupRequest
{
    public string? Name { get; init; }
    public List<string>? Models { get; init; }
    public LimitsConfig? Limits { get; init; }
    public string? Timezone { get; init; }

    /// <summary>Keep redacted prompt and completion bodies of this group's requests.</summary>
    public bool? StoreBodies { get; init; }

    /// <summary>Every cost of this group's requests times this (super admins only).</summary>
    public decimal? PriceMultiplier { get; init; }
}

internal sealed record GroupCeilingView
{
    public required IReadOnlyList<string> Models { get; init; }
    public LimitsConfig? Limits { get; init; }
}

internal sealed record GroupView
{
    public required string Name { get; init; }
    public required IReadOnlyList<string> Models { get; init; }
    public LimitsConfig? Limits { get; init; }
    public required string Timezone { get; init; }
    public bool StoreBodies { get; init; }
    public decimal PriceMultiplier { get; init; } = 1m;

    /// <summary>The models and limits a super admin set: the group's admin may tighten under them, never loosen.</summary>
    public GroupCeilingView? Ceiling { get; init; }

    public required string Source { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Current use and what remains of each of the group's limits (in <c>GET /admin/groups/{name}</c> only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<QuotaView>? Quota { get; init; }
}

internal sealed record UserRequest
{
    public string? Name { get; init; }
    public string? Group { get; init; }
    public string? Role { get; init; }
    public LimitsConfig? Limits { get; init; }
    public string? Password { get; init; }

    /// <summary>PATCH only: clears a login lockout.</summary>
    public bool? Unlock { get; init; }
}

internal sealed record UserView
{
    public required string Name { get; init; }
    public required string Group { get; init; }
    public required string Role { get; init; }
    public LimitsConfig? Limits { get; init; }
    public required bool HasPassword { get; init; }
    public DateTimeOffset? LockedUntil { get; init; }
    public required string Source { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<QuotaView>? Quota { get; init; }
}

internal sealed record ChannelRequest
{
    public string? Name { get; init; }
    public string? Type { get; init; }
    public string? BaseUrl { get; init; }
    public List<string>? Keys { get; init; }
    public List<string>? Models { get; init; }
    public Dictionary<string, string>? ModelMap { get; init; }
    public List<string>? Groups { get; init; }
    public int? Priority { get; init; }
    public int? Weight { get; init; }
    public Dictionary<string, string>? Headers { get; init; }
}

internal sealed record ModelRequest
{
    public List<string>? Aliases { get; init; }
    public PriceConfig? Price { get; init; }
    public List<string>? Fallbacks { get; init; }
}

internal sealed record ModelView(string Name, IReadOnlyList<string> Aliases, PriceConfig? Price, IReadOnlyList<string> Fallbacks, string Source);

internal sealed record SessionRequest
{
    public string? Name { get; init; }
    public string? Password { get; init; }
}

internal sealed record SessionView(string User, string Role, string? Group, string? CsrfToken);

internal sealed record Page<T>(IReadOnlyList<T> Data, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NextCursor);

/// <summary>A request's stored prompt and completion (redacted; cut to retention.body_max_bytes when the flags say so).</summary>
internal sealed record RequestBodiesView(string RequestId, DateTimeOffset CreatedAt, string? Group, string Prompt, string Completion,
    bool PromptTruncated, bool CompletionTruncated);

internal sealed record RequestLogView(string RequestId, DateTimeOffset CreatedAt, string Endpoint, string? Key, string? User, string? Group,
    string? RequestedModel, string? ServedModel, string? Channel, int Status, long InputTokens, long OutputTokens, long CachedTokens,
    long CacheWriteTokens, long ReasoningTokens, string CostUsd, long LatencyMs, long? TtfbMs, bool Stream, string? ErrorKind,
    string? Note, string? Route = null, string? Arm = null, bool Refused = false);

/// <summary>One upstream attempt of a request: the key by id and hint, never the key itself.</summary>
internal sealed record RequestAttemptView(string Channel, string Key, string? KeyHint, string Model, int Status, long LatencyMs, string? ErrorKind, string? Error);

/// <summary>
/// One request's whole record: the request log's row plus the error text, the attempt chain (at most eight kept of
/// <c>attempt_count</c>), the fallback, the estimate, the price version, and whether the caller may read stored bodies.
/// </summary>
internal sealed record RequestDetailView(string RequestId, DateTimeOffset CreatedAt, string Endpoint, string? Key, string? User, string? Group,
    string? RequestedModel, string? ServedModel, string? FallbackFrom, string? Channel, int Status, bool Refused, string? ErrorKind, string? Error,
    long InputTokens, long OutputTokens, long CachedTokens, long CacheWriteTokens, long ReasoningTokens, string CostUsd, string? PriceVersion,
    bool UsageEstimated, long EstimatedInputTokens, long EstimatedOutputTokens, string EstimatedCostUsd, long LatencyMs, long? TtfbMs, bool Stream,
    string? Note, string? Route, string? Arm, int AttemptCount, IReadOnlyList<RequestAttemptView> Attempts, bool Bodies);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(GroupRequest))]
[JsonSerializable(typeof(GroupView))]
[JsonSerializable(typeof(Page<GroupView>))]
[JsonSerializable(typeof(UserRequest))]
[JsonSerializable(typeof(UserView))]
[JsonSerializable(typeof(Page<UserView>))]
[JsonSerializable(typeof(ChannelRequest))]
[JsonSerializable(typeof(ChannelView))]
[JsonSerializable(typeof(ChannelAuditView))]
[JsonSerializable(typeof(Page<ChannelView>))]
[JsonSerializable(typeof(ModelRequest))]
[JsonSerializable(typeof(ModelView))]
[JsonSerializable(typeof(Page<ModelView>))]
[JsonSerializable(typeof(SessionRequest))]
[JsonSerializable(typeof(SessionView))]
[JsonSerializable(typeof(AuditEntry))]
[JsonSerializable(typeof(Page<AuditEntry>))]
[JsonSerializable(typeof(AuditVerification))]
[JsonSerializable(typeof(Page<RequestLogView>))]
[JsonSerializable(typeof(RequestBodiesView))]
[JsonSerializable(typeof(RequestDetailView))]
[JsonSerializable(typeof(Page<KeyView>))]
[JsonSerializable(typeof(KeyView))]
internal sealed partial class TenancyJsonContext : JsonSerializerContext;
