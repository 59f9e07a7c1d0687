using System.Security.Cryptography;
using System.Text;

namespace Switchyard.Audit;

/// <summary>
/// The keys that seal the audit chain: HMAC-SHA256 keys derived (HKDF-SHA256, a purpose label of their own) from
/// <c>security.secret_key</c> and <c>security.previous_secret_keys</c>, never the secrets or the cipher's key themselves.
/// Each has a short id that a keyed entry names, so entries written before a rotation still verify while their secret
/// is listed among the previous ones. Without a secret key the chain is unkeyed (plain SHA-256), as before keys existed.
/// </summary>
public sealed class AuditChainKeys
{
    private static readonly byte[] KeyInfo = "switchyard audit chain v1"u8.ToArray();
    private static readonly byte[] IdInfo = "switchyard audit chain key id v1"u8.ToArray();

    private readonly List<(string Id, byte[] Key)> _keys = [];

    public AuditChainKeys(string? secretKey, IReadOnlyList<string>? previousSecretKeys = null)
    {
        if (!string.IsNullOrEmpty(secretKey))
        {
            _keys.Add(Derive(secretKey));
        }
        foreach (var previous in previousSecretKeys ?? [])
        {
            var derived = Derive(previous);
            if (!_keys.Exists(k => k.Id == derived.Id))
            {
                _keys.Add(derived);
            }
        }
        HasCurrent = !string.IsNullOrEmpty(secretKey);
    }

    public static AuditChainKeys None { get; } = new(null);

    /// <summary>Whether new entries are keyed (a <c>security.secret_key</c> is set).</summary>
    public bool HasCurrent { get; }

    public (string Id, byte[] Key) Current => HasCurrent ? _keys[0] : throw new InvalidOperationException("No security.secret_key is set.");

    /// <summary>Finds a key by id. <paramref name="age"/> is its place: the current key first, then the previous ones in order.</summary>
    public bool TryFind(string id, out byte[] key, out int age)
    {
        age = _keys.FindIndex(k => k.Id == id);
        key = age >= 0 ? _keys[age].Key : [];
        return age >= 0;
    }

    private static (string Id, byte[] Key) Derive(string secret)
    {
        var ikm = Encoding.UTF8.GetBytes(secret);
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 32, salt: null, info: KeyInfo);
        var id = Convert.ToHexStringLower(HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 4, salt: null, info: IdInfo));
        return (id, key);
    }
}
