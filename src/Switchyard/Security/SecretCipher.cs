using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Switchyard.Security;

/// <summary>
/// Seals upstream secrets with AES-256-GCM under a key derived (HKDF-SHA256) from <c>security.secret_key</c>.
/// A sealed value reads <c>v1.&lt;key id&gt;.&lt;base64url(nonce | ciphertext | tag)&gt;</c>: the key id names the secret
/// that sealed it, so after a rotation values sealed under a previous secret still open until re-encrypted.
/// The owner's name is bound as associated data, so a sealed value copied onto another row does not open.
/// </summary>
public sealed class SecretCipher
{
    private const string Version = "v1";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static readonly byte[] KeyInfo = "switchyard upstream secrets v1"u8.ToArray();
    private static readonly byte[] IdInfo = "switchyard secret key id v1"u8.ToArray();

    private readonly (string Id, byte[] Key)? _current;
    private readonly Dictionary<string, byte[]> _byId = new(StringComparer.Ordinal);

    public SecretCipher(string? secretKey, IReadOnlyList<string>? previousSecretKeys = null)
    {
        if (!string.IsNullOrEmpty(secretKey))
        {
            _current = Derive(secretKey);
            _byId[_current.Value.Id] = _current.Value.Key;
        }
        foreach (var previous in previousSecretKeys ?? [])
        {
            var (id, key) = Derive(previous);
            _byId.TryAdd(id, key);
        }
    }

    public bool CanSeal => _current is not null;

    /// <summary>The id of the current secret (shown by the rotation command, never the secret).</summary>
    public string? CurrentKeyId => _current?.Id;

    public string Seal(string plaintext, string owner)
    {
        var (id, key) = _current ?? throw new InvalidOperationException("security.secret_key is not set, so upstream keys cannot be stored.");
        var clear = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceBytes + clear.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, clear, sealedBytes.AsSpan(NonceBytes, clear.Length), sealedBytes.AsSpan(NonceBytes + clear.Length), Encoding.UTF8.GetBytes(owner));
        CryptographicOperations.ZeroMemory(clear);
        return $"{Version}.{id}.{Base64Url.EncodeToString(sealedBytes)}";
    }

    /// <exception cref="CryptographicException">Unknown key id or a value that does not authenticate; the message never quotes the value.</exception>
    public string Open(string sealedValue, string owner)
    {
        var parts = sealedValue.Split('.');
        if (parts.Length != 3 || parts[0] != Version)
        {
            throw new CryptographicException("Not a sealed secret.");
        }
        if (!_byId.TryGetValue(parts[1], out var key))
        {
            throw new CryptographicException($"Sealed under secret key id {parts[1]}, which neither security.secret_key nor security.previous_secret_keys matches.");
        }
        var bytes = Base64Url.DecodeFromChars(parts[2]);
        if (bytes.Length < NonceBytes + TagBytes)
        {
            throw new CryptographicException("Sealed secret is truncated.");
        }
        var clear = new byte[bytes.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(bytes.AsSpan(0, NonceBytes), bytes.AsSpan(NonceBytes, clear.Length), bytes.AsSpan(NonceBytes + clear.Length), clear, Encoding.UTF8.GetBytes(owner));
        return Encoding.UTF8.GetString(clear);
    }

    public bool IsSealedUnderCurrent(string sealedValue) =>
        _current is { } current && sealedValue.StartsWith($"{Version}.{current.Id}.", StringComparison.Ordinal);

    /// <summary>A masked hint such as <c>sk-…a1b2</c>: the key's family prefix and last four characters only.</summary>
    public static string Hint(string secret)
    {
        if (secret.Length < 12)
        {
            return "…";
        }
        var dash = secret.IndexOf('-', StringComparison.Ordinal);
        var prefix = dash is > 0 and <= 3 ? secret[..(dash + 1)] : "";
        return $"{prefix}…{secret[^4..]}";
    }

    private static (string Id, byte[] Key) Derive(string secret)
    {
        var ikm = Encoding.UTF8.GetBytes(secret);
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 32, salt: null, info: KeyInfo);
        var id = Convert.ToHexStringLower(HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 4, salt: null, info: IdInfo));
        return (id, key);
    }
}
