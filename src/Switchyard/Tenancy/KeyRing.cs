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
public sealed class KeyRing(KeyStore store, TimeProvider time, KeyHasher? hasher = null)
{
    private readonly KeyHasher _hasher = hasher ?? new KeyHasher();
    /// <param name="HasPlain">Keys stored before hashes were keyed carry plain SHA-256 hashes; look those up too while any remain.</param>
    /// <param name="HasImported">Keys imported by their SHA-256 alone (<see cref="KeyHasher.ImportedSha256Prefix"/>); looked up only while any exist.</param>
    private sealed record Snapshot(FrozenDictionary<string, VirtualKey> ByHash, bool HasPlain, bool HasImported);

    private Snapshot _snapshot = new(FrozenDictionary<string, VirtualKey>.Empty, false, false);

    public int Count => _snapshot.ByHash.Count;

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var keys = await store.ListAsync(cancellationToken);
        _snapshot = new Snapshot(keys.ToFrozenDictionary(k => k.KeyHash, StringComparer.Ordinal),
            keys.Any(k => !k.KeyHash.StartsWith(KeyHasher.KeyedPrefix, StringComparison.Ordinal) && !k.KeyHash.StartsWith(KeyHasher.ImportedSha256Prefix, StringComparison.Ordinal)),
            keys.Any(k => k.KeyHash.StartsWith(KeyHasher.ImportedSha256Prefix, StringComparison.Ordinal)));
    }

    public KeyCheck Authenticate(ReadOnlySpan<char> presented, out VirtualKey? key)
    {
        key = null;
        if (presented.IsEmpty)
        {
            return KeyCheck.Missing;
        }
        Span<char> text = stackalloc char[KeyHasher.MaxChars];
        VirtualKey? found = null;
        var snapshot = _snapshot;
        var lookup = snapshot.ByHash.GetAlternateLookup<ReadOnlySpan<char>>();
        var length = 0;
        if (_hasher.IsKeyed)
        {
            length = _hasher.Format(presented, text, keyed: true);
            lookup.TryGetValue(text[..length], out found);
        }
        if (found is null && (snapshot.HasPlain || !_hasher.IsKeyed))
        {
            length = _hasher.Format(presented, text, keyed: false);
            lookup.TryGetValue(text[..length], out found);
        }
        if (found is null && snapshot.HasImported)
        {
            KeyHasher.ImportedSha256Prefix.CopyTo(text);
            length = KeyHasher.ImportedSha256Prefix.Length + _hasher.Format(presented, text[KeyHasher.ImportedSha256Prefix.Length..], keyed: false);
            lookup.TryGetValue(text[..length], out found);
        }
        if (found is null)
        {
            return KeyCheck.Unknown;
        }
        // The lookup compared hashes, not secrets; compare once more in constant time so no code path
        // ever decides on a secret-derived value with an early-exit comparison.
        if (!CryptographicOperations.FixedTimeEquals(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(found.KeyHash.AsSpan()), System.Runtime.InteropServices.MemoryMarshal.AsBytes(text[..length])))
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
