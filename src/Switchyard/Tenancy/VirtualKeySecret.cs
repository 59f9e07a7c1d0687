using System.Security.Cryptography;
using System.Text;

namespace Switchyard.Tenancy;

/// <summary>Generates, hashes and hints virtual keys. Keys are stored only as their SHA-256 hash.</summary>
public static class VirtualKeySecret
{
    /// <summary>Recognisable in logs, secret scanners and config files.</summary>
    public const string Prefix = "sk-sy-";
    public const int HashBytes = 32;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const int RandomChars = 43; // 43 base62 characters ≈ 256 bits of entropy.

    public static string Generate() => Prefix + RandomNumberGenerator.GetString(Alphabet, RandomChars);

    /// <summary>
    /// A plain SHA-256 suffices: generated keys carry 256 bits of entropy, so there is nothing for a slow hash to
    /// protect, and the hash is computed on every request.
    /// </summary>
    public static void Hash(ReadOnlySpan<char> key, Span<byte> destination)
    {
        Span<byte> utf8 = stackalloc byte[512];
        if (Encoding.UTF8.GetMaxByteCount(key.Length) <= utf8.Length)
        {
            var length = Encoding.UTF8.GetBytes(key, utf8);
            SHA256.HashData(utf8[..length], destination);
            return;
        }
        SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString()), destination);
    }

    public static string HashHex(string key)
    {
        Span<byte> hash = stackalloc byte[HashBytes];
        Hash(key, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Enough of the key to recognise it in a list, never enough to use it.</summary>
    public static string Hint(string key)
    {
        if (key.Length < 16)
        {
            return "***";
        }
        var head = key.StartsWith(Prefix, StringComparison.Ordinal) ? Prefix.Length + 4 : 4;
        return $"{key[..head]}...{key[^4..]}";
    }
}
