using System.Security.Cryptography;
using System.Text;

namespace Switchyard.Tenancy;

/// <summary>
/// Hashes virtual keys for storage and lookup. With <c>security.secret_key</c> set, hashes are keyed:
/// <c>k1:</c> + HMAC-SHA256 under a random pepper that is stored only sealed, so a copy of the database alone
/// cannot test guesses of user-chosen config secrets. Without it (and for keys stored before it was set),
/// a plain SHA-256 hex. A third kind, <c>sha256:</c> + SHA-256 hex, holds keys imported from a gateway that stored
/// only that hash of each secret (LiteLLM's <c>LiteLLM_VerificationToken.token</c>): Switchyard never saw those
/// secrets, so it cannot key their hashes, and matches them by the hash they came with.
/// </summary>
public sealed class KeyHasher
{
    public const string KeyedPrefix = "k1:";
    public const string ImportedSha256Prefix = "sha256:";
    public const int MaxChars = 7 + VirtualKeySecret.HashBytes * 2;

    /// <summary>The stored form of a key known only by the SHA-256 hex of its secret; null when that is not such a hex.</summary>
    public static string? ImportedSha256(string sha256Hex) =>
        sha256Hex.Length == VirtualKeySecret.HashBytes * 2 && sha256Hex.All(char.IsAsciiHexDigit)
            ? ImportedSha256Prefix + sha256Hex.ToLowerInvariant()
            : null;

    private byte[]? _pepper;

    public bool IsKeyed => _pepper is not null;

    /// <summary>Set once at start, before any key is hashed or looked up.</summary>
    public void UsePepper(byte[] pepper) => _pepper = pepper;

    public string ForStorage(string key)
    {
        Span<char> text = stackalloc char[MaxChars];
        var length = Format(key, text, keyed: IsKeyed);
        return new string(text[..length]);
    }

    /// <summary>Writes the stored form of the key's hash (keyed or plain) and returns its length.</summary>
    public int Format(ReadOnlySpan<char> key, Span<char> destination, bool keyed)
    {
        Span<byte> hash = stackalloc byte[VirtualKeySecret.HashBytes];
        if (keyed)
        {
            Span<byte> utf8 = stackalloc byte[512];
            var bytes = Encoding.UTF8.GetMaxByteCount(key.Length) <= utf8.Length ? utf8[..Encoding.UTF8.GetBytes(key, utf8)] : Encoding.UTF8.GetBytes(key.ToString());
            HMACSHA256.HashData(_pepper!, bytes, hash);
            KeyedPrefix.CopyTo(destination);
            Convert.TryToHexStringLower(hash, destination[KeyedPrefix.Length..], out var written);
            return KeyedPrefix.Length + written;
        }
        VirtualKeySecret.Hash(key, hash);
        Convert.TryToHexStringLower(hash, destination, out var plain);
        return plain;
    }
}
