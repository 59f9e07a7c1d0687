using Switchyard.Configuration;

namespace Switchyard.Tenancy;

/// <summary>A virtual key as stored: never the secret, only its hash and a hint.</summary>
public sealed record VirtualKey
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string KeyHash { get; init; }
    public required string KeyHint { get; init; }
    public string? User { get; init; }
    public required string Group { get; init; }
    public IReadOnlyList<string> Models { get; init; } = [];
    public LimitsConfig? Limits { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string Source { get; init; }

    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

public static class KeySources
{
    public const string Config = "config";
    public const string Api = "api";
}
