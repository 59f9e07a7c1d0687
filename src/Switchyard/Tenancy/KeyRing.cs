using System.Collections.Frozen;
using System.Security.Cryptography;
using Switchyard.Storage;

namespace Switchyard.Tenancy;

public enum KeyCheck
{
    Valid,
    Missing,
    Unknown,
    Revoked,
    Expired,
}

/// <summary>
/// The in-memory snapshot of every virtual key, indexed by hash, so authentication never touches the database.
/// Swapped whole on reload; readers never lock.
/// </summary>
public sealed class KeyRing(KeyStore store, TimeProvider time)
{
    private FrozenDictionary<string, VirtualKey> _byHash = FrozenDictionary<string, VirtualKey>.Empty;

    public int Count => _byHash.Count;

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var keys = await store.ListAsync(cancellationToken);
        _byHash = keys.ToFrozenDictionary(k => k.KeyHash, StringComparer.Ordinal);
    }

    public KeyCheck Authenticate(ReadOnlySpan<char> presented, out VirtualKey? key)
    {
        key = null;
        if (presented.IsEmpty)
        {
            return KeyCheck.Missing;
        }
        Span<byte> hash = stackalloc byte[VirtualKeySecret.HashBytes];
        VirtualKeySecret.Hash(presented, hash);
        Span<char> hex = stackalloc char[VirtualKeySecret.HashBytes * 2];
        Convert.TryToHexStringLower(hash, hex, out _);
        if (!_byHash.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(hex, out var found))
        {
            return KeyCheck.Unknown;
        }
        // The lookup compared hashes, not secrets; compare once more in constant time so no code path
        // ever decides on a secret-derived value with an early-exit comparison.
        Span<byte> stored = stackalloc byte[VirtualKeySecret.HashBytes];
        Convert.FromHexString(found.KeyHash, stored, out _, out _);
        if (!CryptographicOperations.FixedTimeEquals(stored, hash))
        {
            return KeyCheck.Unknown;
        }
        key = found;
        if (found.RevokedAt is not null)
        {
            return KeyCheck.Revoked;
        }
        return found.ExpiresAt is { } expires && expires <= time.GetUtcNow() ? KeyCheck.Expired : KeyCheck.Valid;
    }
}
