using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Switchyard.Routing;
using Switchyard.Tenancy;

namespace Switchyard.Admin;

/// <summary>A refusal before any endpoint runs: 401 (who are you?) or 403 (not you, or not from there).</summary>
public sealed record AdminRefusal(int Status, string Message, string? Code = null);

/// <summary>
/// Works out who calls the admin API: the master key (the built-in super admin), a personal key (a virtual key of a
/// user, acting with that user's role), or a web UI session. Then applies the endpoint's <see cref="AdminRule"/>.
/// </summary>
public sealed class AdminAuthorization(GatewayRuntime runtime, KeyRing ring, AdminSessions sessions)
{
    private (string? Key, byte[]? Hash) _master;

    /// <summary>The master key's hash, recomputed only when a reload changed the key.</summary>
    private byte[]? MasterHash()
    {
        var configured = runtime.Config.Security.MasterKey;
        var cached = _master;
        if (!ReferenceEquals(cached.Key, configured))
        {
            cached = (configured, configured is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(configured)));
            _master = cached;
        }
        return cached.Hash;
    }

    /// <summary>Authenticates, checks the endpoint's rule and attaches the principal to the request.</summary>
    public async ValueTask<AdminRefusal?> CheckAsync(HttpContext http, AdminRule rule)
    {
        var (principal, refusal) = await AuthenticateAsync(http);
        if (principal is null)
        {
            return refusal;
        }
        if (!AdminAccess.Allows(principal, rule))
        {
            return new AdminRefusal(403, $"This endpoint needs the {RoleNames.Of(rule.Minimum)} role or stronger; you are {principal.RoleName}.");
        }
        principal.Attach(http);
        return null;
    }

    public async ValueTask<(AdminPrincipal? Principal, AdminRefusal? Refusal)> AuthenticateAsync(HttpContext http)
    {
        var token = Protocols.ClientProtocol.BearerToken(http.Request);
        if (!token.IsEmpty)
        {
            return FromBearer(token, http);
        }
        if (http.Request.Cookies[AdminSessions.CookieName] is { Length: > 0 } cookie)
        {
            var session = await sessions.FindAsync(cookie, http.RequestAborted);
            if (session is null || FindUser(session.User) is not { } user)
            {
                return (null, new AdminRefusal(401, "Your session has ended; log in again."));
            }
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)
                && !AdminSessions.IsValidCsrf(cookie, http.Request.Headers[AdminSessions.CsrfHeader].ToString()))
            {
                return (null, new AdminRefusal(403, $"A write with a session cookie needs the '{AdminSessions.CsrfHeader}' header from the login answer."));
            }
            return (new AdminPrincipal(user.Name, RoleNames.Parse(user.Role), user.Group, AdminCredential.Session), null);
        }
        return (null, new AdminRefusal(401, "The admin API needs 'Authorization: Bearer <admin or personal key>' or a login session."));
    }

    private (AdminPrincipal?, AdminRefusal?) FromBearer(ReadOnlySpan<char> token, HttpContext http)
    {
        var masterHash = MasterHash();
        if (masterHash is not null)
        {
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(Encoding.UTF8.GetBytes(token.ToString()), hash);
            // Hashing first makes the comparison fixed-length, so its time says nothing about the key's length either.
            if (CryptographicOperations.FixedTimeEquals(hash, masterHash))
            {
                return (new AdminPrincipal(AdminPrincipal.MasterName, AdminRole.SuperAdmin, null, AdminCredential.MasterKey), null);
            }
        }
        var check = ring.Authenticate(token, out var key);
        if (check != KeyCheck.Valid || key is null)
        {
            return (null, new AdminRefusal(401, check switch
            {
                KeyCheck.Revoked => "This key has been revoked.",
                KeyCheck.Expired => "This key has expired.",
                _ => "Incorrect admin key provided.",
            }));
        }
        // The same network check as the client API: a key limited to some networks opens nothing from elsewhere.
        if (!key.AllowsAddress(http.Connection.RemoteIpAddress))
        {
            return (null, new AdminRefusal(403, "This key may not be used from your network address.", "address_not_allowed"));
        }
        if (key.User is null || FindUser(key.User) is not { } user)
        {
            return (null, new AdminRefusal(401, "This key belongs to no user, so it cannot use the admin API."));
        }
        return (new AdminPrincipal(user.Name, RoleNames.Parse(user.Role), user.Group, AdminCredential.PersonalKey), null);
    }

    private Configuration.UserConfig? FindUser(string name) =>
        runtime.Config.Users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.Ordinal));
}
