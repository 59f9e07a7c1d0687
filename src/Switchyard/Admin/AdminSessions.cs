using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Switchyard.Routing;
using Switchyard.Storage;

namespace Switchyard.Admin;

/// <summary>
/// Web UI sessions: a random token in an HttpOnly cookie, stored only as its SHA-256. CSRF tokens need no storage:
/// each is a random nonce with its HMAC under the session token, which only the cookie holder can compute,
/// so every fresh one the session endpoint hands out is valid for that session alone.
/// </summary>
public sealed class AdminSessions(SessionStore store, TimeProvider time, GatewayRuntime runtime)
{
    public const string CookieName = "sy_session";
    public const string CsrfHeader = "x-csrf-token";

    public TimeSpan Lifetime => runtime.FileConfig.Security.SessionTtl;

    public async Task<string> CreateAsync(string user, CancellationToken cancellationToken)
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        await store.DeleteForUserAsync("", now, cancellationToken);
        await store.InsertAsync(Hash(token), new StoredSession(user, now, now + Lifetime), cancellationToken);
        return token;
    }

    public async Task<StoredSession?> FindAsync(string token, CancellationToken cancellationToken)
    {
        var session = await store.FindAsync(Hash(token), cancellationToken);
        return session is not null && session.ExpiresAt > time.GetUtcNow() ? session : null;
    }

    public Task EndAsync(string token, CancellationToken cancellationToken) => store.DeleteAsync(Hash(token), cancellationToken);

    public Task EndAllAsync(string user, CancellationToken cancellationToken) => store.DeleteForUserAsync(user, time.GetUtcNow(), cancellationToken);

    public static string NewCsrf(string sessionToken)
    {
        var nonce = RandomNumberGenerator.GetBytes(16);
        return Base64Url.EncodeToString(nonce) + "." + Base64Url.EncodeToString(Mac(sessionToken, nonce));
    }

    public static bool IsValidCsrf(string sessionToken, string csrf)
    {
        var dot = csrf.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return false;
        }
        try
        {
            var nonce = Base64Url.DecodeFromChars(csrf.AsSpan(0, dot));
            var mac = Base64Url.DecodeFromChars(csrf.AsSpan(dot + 1));
            return nonce.Length == 16 && CryptographicOperations.FixedTimeEquals(mac, Mac(sessionToken, nonce));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static byte[] Mac(string sessionToken, byte[] nonce) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(sessionToken), nonce);

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
