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

    private readonly IReadOnlyList<string> _allowedIps = [];
    private readonly System.Net.IPNetwork[] _networks = [];

    /// <summary>CIDR ranges (<c>10.0.0.0/8</c>, <c>2001:db8::/32</c>) the key may be used from; empty = anywhere.</summary>
    public IReadOnlyList<string> AllowedIps
    {
        get => _allowedIps;
        init
        {
            _allowedIps = value;
            _networks = value.Select(c => System.Net.IPNetwork.TryParse(c, out var n) ? n : (System.Net.IPNetwork?)null)
                .Where(n => n is not null).Select(n => n!.Value).ToArray();
        }
    }

    public bool AllowsAddress(System.Net.IPAddress? remote)
    {
        if (AllowedIps.Count == 0)
        {
            return true;
        }
        if (remote is null)
        {
            return false;
        }
        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }
        foreach (var network in _networks)
        {
            if (network.Contains(remote))
            {
                return true;
            }
        }
        return false;
    }

    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

public static class KeySources
{
    public const string Config = "config";
    public const string Api = "api";

    /// <summary>Made by the console's playground for one user in one group; its name starts with <see cref="PlaygroundPrefix"/>.</summary>
    public const string Playground = "playground";

    public const string PlaygroundPrefix = "playground:";
}
