using System.Text.Json.Serialization;
using Switchyard.Configuration;

namespace Switchyard.Admin;

internal sealed record CreateKeyRequest
{
    public string? Name { get; init; }
    public string? Group { get; init; }
    public string? User { get; init; }
    public List<string>? Models { get; init; }
    public LimitsConfig? Limits { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public List<string>? AllowedIps { get; init; }
}

/// <summary>PATCH /admin/keys/{id}: each field given replaces the stored one; <c>never_expires</c> removes the expiry.</summary>
internal sealed record UpdateKeyRequest
{
    public string? Name { get; init; }
    public List<string>? Models { get; init; }
    public LimitsConfig? Limits { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public bool? NeverExpires { get; init; }
    public List<string>? AllowedIps { get; init; }
}

internal sealed record KeyView
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    /// <summary>The secret: present only in the answer to the request that created the key.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Key { get; init; }
    public required string KeyHint { get; init; }
    public required string Group { get; init; }
    public string? User { get; init; }
    public required IReadOnlyList<string> Models { get; init; }
    public LimitsConfig? Limits { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string Source { get; init; }
    public IReadOnlyList<string> AllowedIps { get; init; } = [];

    /// <summary>The last UTC day the key served a request (in lists only; absent when never used).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LastUsedDay { get; init; }

    /// <summary>What the key spent this UTC month, in USD (in lists only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SpendThisMonthUsd { get; init; }

    /// <summary>Current use of each of the key's own limits (in <c>GET /admin/keys/{id}</c> only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<QuotaView>? Quota { get; init; }
}

/// <summary>One limit: its value, what the current window has used, and what remains (money as decimal strings).</summary>
public sealed record QuotaView(string Limit, string Window, string Value, string Used, string Remaining);

internal sealed record KeyList(IReadOnlyList<KeyView> Data);

internal sealed record UsageRowView(string? Key, long Requests, long InputTokens, long OutputTokens, long CachedTokens,
    long CacheWriteTokens, long ReasoningTokens, string CostUsd, long EstimatedRequests, long EstimatedInputTokens,
    long EstimatedOutputTokens, string EstimatedCostUsd);

/// <summary>group_by=arm: each routing rule's split arm (key <c>rule/arm</c>, or <c>rule</c> for a plain rule) with its A/B figures.</summary>
internal sealed record ArmRowView(string Key, string Route, string? Arm, long Requests, long Errors, long InputTokens, long OutputTokens, string CostUsd,
    long? LatencyP50Ms, long? LatencyP95Ms, long? TtftP50Ms, long? TtftP95Ms);

internal sealed record ArmUsageView(string GroupBy, DateTimeOffset? From, DateTimeOffset? To, IReadOnlyList<ArmRowView> Rows);

internal sealed record UsageView(string GroupBy, DateTimeOffset? From, DateTimeOffset? To, IReadOnlyList<UsageRowView> Rows);

internal sealed record ChannelKeyView(string Id, string? KeyHint, string State, DateTimeOffset? CoolingUntil, string? DisabledReason,
    int RequestsLastMinute, int ErrorsLastMinute, double ErrorRateLastMinute, long? LatencyP50Ms, long? LatencyP95Ms, Resilience.HealthProbeResult? LastHealthCheck);

/// <summary>A channel's settings as the audit log records them: what was set (key hints, header names), no live state.</summary>
internal sealed record ChannelAuditView(string Name, string Type, string BaseUrl, IReadOnlyList<string> Models, IReadOnlyDictionary<string, string> ModelMap,
    IReadOnlyList<string> Groups, int Priority, int Weight, IReadOnlyList<string?> KeyHints, IReadOnlyList<string> HeaderNames);

internal sealed record ChannelView(string Name, string Type, string BaseUrl, IReadOnlyList<string> Models, IReadOnlyDictionary<string, string> ModelMap,
    IReadOnlyList<string> Groups, int Priority, int Weight, IReadOnlyList<ChannelKeyView> Keys)
{
    /// <summary><c>config</c> (the file declares it; change it there) or <c>api</c> (stored in the database).</summary>
    public string Source { get; init; } = "config";

    /// <summary>Names of the extra upstream headers; their values may be secrets and are never shown.</summary>
    public IReadOnlyList<string> HeaderNames { get; init; } = [];
}

internal sealed record ChannelList(IReadOnlyList<ChannelView> Data);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(CreateKeyRequest))]
[JsonSerializable(typeof(UpdateKeyRequest))]
[JsonSerializable(typeof(KeyView))]
[JsonSerializable(typeof(KeyList))]
[JsonSerializable(typeof(UsageView))]
[JsonSerializable(typeof(ArmUsageView))]
[JsonSerializable(typeof(ChannelList))]
[JsonSerializable(typeof(ChannelTestView))]
[JsonSerializable(typeof(GroupQuotaView))]
[JsonSerializable(typeof(GroupModelsView))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
