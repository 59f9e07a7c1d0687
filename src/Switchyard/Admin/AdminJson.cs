using System.Text.Json.Serialization;
using Switchyard.Configuration;

namespace Switchyard.Admin;

public sealed record CreateKeyRequest
{
    public string? Name { get; init; }
    public string? Group { get; init; }
    public string? User { get; init; }
    public List<string>? Models { get; init; }
    public LimitsConfig? Limits { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
}

public sealed record KeyView
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
}

public sealed record KeyList(IReadOnlyList<KeyView> Data);

public sealed record UsageRowView(string? Key, long Requests, long InputTokens, long OutputTokens, long CachedTokens,
    long CacheWriteTokens, long ReasoningTokens, string CostUsd);

public sealed record UsageView(string GroupBy, DateTimeOffset? From, DateTimeOffset? To, IReadOnlyList<UsageRowView> Rows);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(CreateKeyRequest))]
[JsonSerializable(typeof(KeyView))]
[JsonSerializable(typeof(KeyList))]
[JsonSerializable(typeof(UsageView))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
