using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Switchyard.Audit;
using Switchyard.Storage;

namespace Switchyard.Admin;

/// <summary>
/// <c>/admin/session</c>: the web UI's login (name and password), its session check and logout. <see cref="LoginThrottle"/>
/// counts failures per (name, address) and per address before anything reaches the database. Every refused login gets
/// the same answer, whether the name exists, is locked from this address, or the address is throttled: a caller learns
/// nothing about a name but what its own tries caused (a Retry-After appears only while this address is held back).
/// </summary>
internal sealed class SessionAdmin(UserStore users, AdminSessions sessions, AdminAuthorization authorization, PasswordHasher<string> hasher,
    AuditLog audit, LoginThrottle throttle)
{
    // Longer names cannot exist (users are named by config or the admin API), so they are not looked up.
    private const int MaxNameLength = 256;

    // Verified when the name is unknown, so a wrong name costs the same time as a wrong password.
    private static readonly string DummyHash = new PasswordHasher<string>().HashPassword("", "not a password of anyone");

    public async Task<IResult> LoginAsync(HttpContext http)
    {
        var (request, error) = await AdminBody.ReadAsync(http, TenancyJsonContext.Default.SessionRequest);
        if (request is null)
        {
            return error!;
        }
        if (string.IsNullOrEmpty(request.Name) || string.IsNullOrEmpty(request.Password))
        {
            return AdminErrors.Result(400, "'name' and 'password' are required.", request.Name is null ? "name" : "password");
        }
        var address = http.Connection.RemoteIpAddress?.ToString();
        foreach (var summary in throttle.TakeUnknownNameSummaries())
        {
            var counted = $$"""{"unknown_names":{{summary.Tries}},"first":"{{summary.First:O}}","last":"{{summary.Last:O}}"}""";
            await audit.RecordAsync("anonymous", null, summary.Address, "login", "session", null, counted, "failure", http.RequestAborted);
        }
        var attempt = throttle.Begin(request.Name, http.Connection.RemoteIpAddress);
        if (!attempt.Allowed)
        {
            if (attempt.FirstRefusal)
            {
                await audit.RecordAsync(request.Name, null, address, "login", "session", request.Name, null, "locked_out", http.RequestAborted);
            }
            var retry = Math.Max(1, (int)Math.Ceiling(attempt.RetryAfter!.Value.TotalSeconds));
            http.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
            return Refused();
        }
        var user = request.Name.Length <= MaxNameLength ? await users.FindAsync(request.Name, http.RequestAborted) : null;
        var verified = hasher.VerifyHashedPassword(request.Name, user?.PasswordHash ?? DummyHash, request.Password);
        if (user?.PasswordHash is null || verified == PasswordVerificationResult.Failed)
        {
            if (throttle.Failed(attempt, unknownName: user is null))
            {
                await audit.RecordAsync(request.Name, null, address, "login", "session", request.Name, null, "failure", http.RequestAborted);
            }
            return Refused();
        }
        throttle.Succeeded(attempt);
        // Clears what versions that locked per name left behind.
        if (verified == PasswordVerificationResult.SuccessRehashNeeded || user.FailedLogins != 0 || user.LockedUntil is not null)
        {
            await users.RecordLoginAsync(user.Config.Name, 0, null, http.RequestAborted);
        }
        var token = await sessions.CreateAsync(user.Config.Name, http.RequestAborted);
        http.Response.Cookies.Append(AdminSessions.CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = "/",
            MaxAge = sessions.Lifetime,
        });
        await audit.RecordAsync(user.Config.Name, user.Config.Role, address, "login", "session", user.Config.Name, null, "success", http.RequestAborted);
        return Results.Json(new SessionView(user.Config.Name, user.Config.Role, user.Config.Group, AdminSessions.NewCsrf(token)), TenancyJsonContext.Default.SessionView);
    }

    private static IResult Refused() =>
        AdminErrors.Result(401, "Wrong name or password, or too many failed logins from this address.", code: "invalid_credentials");

    /// <summary>
    /// Who is signed in: a session (with a fresh CSRF token) or an admin key (no token: bearer writes need none), named
    /// as the audit log names them. <c>?optional=true</c> answers 204 instead of 401 when the request carries no
    /// credential at all, so the sign-in page can ask without a failed request on every visit.
    /// </summary>
    public async Task<IResult> GetAsync(HttpContext http)
    {
        if (http.Request.Query["optional"] == "true" && http.Request.Headers.Authorization.Count == 0
            && !http.Request.Cookies.ContainsKey(AdminSessions.CookieName))
        {
            return Results.NoContent();
        }
        var (principal, refusal) = await authorization.AuthenticateAsync(http);
        if (principal is null)
        {
            return AdminErrors.Result(refusal?.Status ?? 401, refusal?.Message ?? "No login session.");
        }
        var csrf = principal.Via == AdminCredential.Session ? AdminSessions.NewCsrf(http.Request.Cookies[AdminSessions.CookieName]!) : null;
        return Results.Json(new SessionView(principal.Name, principal.RoleName, principal.Group, csrf), TenancyJsonContext.Default.SessionView);
    }

    /// <summary>Logout: ends the session server-side and clears the cookie.</summary>
    public async Task<IResult> DeleteAsync(HttpContext http)
    {
        var (principal, refusal) = await authorization.AuthenticateAsync(http);
        if (principal is null || principal.Via != AdminCredential.Session)
        {
            return AdminErrors.Result(refusal?.Status ?? 401, refusal?.Message ?? "No login session.");
        }
        await sessions.EndAsync(http.Request.Cookies[AdminSessions.CookieName]!, http.RequestAborted);
        http.Response.Cookies.Delete(AdminSessions.CookieName, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps });
        await audit.RecordAsync(principal.Name, principal.RoleName, http.Connection.RemoteIpAddress?.ToString(), "logout", "session", principal.Name, null, "success", http.RequestAborted);
        return Results.NoContent();
    }
}
