using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Switchyard.Storage;

namespace Switchyard.Tenancy;

/// <summary>A reset link's token as issued: shown to whoever asked for it once, stored only as a hash.</summary>
public sealed record PasswordResetTicket(string User, string Token, DateTimeOffset ExpiresAt)
{
    /// <summary>The console page that takes the token, relative to the gateway's public address.</summary>
    public string Path => PasswordResets.LinkPath(Token);

    /// <summary>The whole link under <paramref name="origin"/> (scheme, host and any path prefix the gateway is served under).</summary>
    public string LinkUnder(string origin) => origin.TrimEnd('/') + Path;
}

/// <summary>
/// One-time password reset links: a random token whose SHA-256 alone is stored with its user and expiry. It works
/// once; issuing another for the same user ends the earlier one; an expired or used token is refused like an unknown one.
/// Used by the admin API (an admin hands a link over) and by imports (users whose old password hash cannot be verified).
/// </summary>
public sealed class PasswordResets(PasswordResetStore store, TimeProvider time)
{
    /// <summary>Token prefix: lets secret scanners recognise a reset token. The link carries it after <c>#</c>, which browsers never send.</summary>
    public const string TokenPrefix = "syr_";

    // A token longer than this was never issued (prefix + 43 base64url characters), so it is not hashed or looked up.
    private const int MaxTokenLength = 128;

    public static string LinkPath(string token) => "/ui/#/reset?token=" + token;

    public async Task<PasswordResetTicket> IssueAsync(string user, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var token = TokenPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var expires = now + lifetime;
        await store.ReplaceAsync(Hash(token), user, now, expires, cancellationToken);
        return new PasswordResetTicket(user, token, expires);
    }

    /// <summary>
    /// Spends the token: its user and issue time when it was issued, unused and unexpired; null for anything else. The
    /// caller refuses it too when the user was made after the token (deleted and made again under the same name).
    /// </summary>
    public async Task<(string User, DateTimeOffset IssuedAt)?> RedeemAsync(string token, CancellationToken cancellationToken) =>
        token.Length is 0 or > MaxTokenLength ? null : await store.SpendAsync(Hash(token), time.GetUtcNow(), cancellationToken);

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
