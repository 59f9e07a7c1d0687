using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Switchyard.Audit;
using Switchyard.Configuration;
using Switchyard.Routing;
using Switchyard.SharedState;
using Switchyard.Storage;
using Switchyard.Tenancy;

namespace Switchyard.Admin;

/// <summary>
/// One-time password reset links. An admin who may manage a user (<see cref="AdminAccess.CanManageUser"/>) asks for a
/// link and hands it over; whoever opens it sets a new password without signing in. The token is in the answer once
/// and stored only as a hash (<see cref="PasswordResets"/>). Every refused redemption gets the same answer, whether the
/// token is unknown, expired, used, replaced or this address is held back (counted by a <see cref="LoginThrottle"/>
/// of its own, like logins), so a caller learns nothing from it.
/// </summary>
internal sealed class PasswordResetAdmin(UserStore users, PasswordResets resets, AdminSessions sessions, PasswordHasher<string> hasher,
    AuditLog audit, StateReloader state, GatewayRuntime runtime, LoginThrottle loginThrottle, TimeProvider time)
{
    // Tries are counted per address under one name: a token names no user before it is checked.
    private const string ThrottleName = "password-reset";

    private readonly LoginThrottle _throttle = new(time);

    /// <summary><c>POST /admin/users/{name}/reset-link</c>: a new link for the user (ending its earlier one), shown in this answer only.</summary>
    public async Task<IResult> IssueAsync(HttpContext http, string name)
    {
        var principal = AdminPrincipal.Of(http);
        var user = await users.FindAsync(name, http.RequestAborted);
        if (user is null || !AdminAccess.CanSeeUser(principal, name, user.Config.Group))
        {
            return AdminErrors.Result(404, "No such user.", "name", "user_not_found");
        }
        if (!AdminAccess.CanManageUser(principal, user.Config.Group, RoleNames.Parse(user.Config.Role)))
        {
            return AdminErrors.Forbidden("You may issue reset links only for users of your own group whose role is below yours.");
        }
        var ticket = await resets.IssueAsync(name, runtime.FileConfig.Security.PasswordResetTtl, http.RequestAborted);
        await audit.RecordAsync(http, "user.reset_link", "user", name, $$"""{"expires_at":"{{ticket.ExpiresAt.ToString("O", CultureInfo.InvariantCulture)}}"}""");
        return Results.Json(new ResetLinkView(name, ticket.LinkUnder(Origin(http)), ticket.ExpiresAt), PasswordResetJsonContext.Default.ResetLinkView,
            statusCode: 201);
    }

    /// <summary><c>POST /admin/password-reset</c> (no credentials): spends the token and sets the user's password.</summary>
    public async Task<IResult> RedeemAsync(HttpContext http)
    {
        var (request, error) = await AdminBody.ReadAsync(http, PasswordResetJsonContext.Default.PasswordResetRequest);
        if (request is null)
        {
            return error!;
        }
        if (string.IsNullOrEmpty(request.Token) || string.IsNullOrEmpty(request.Password))
        {
            return AdminErrors.Result(400, "'token' and 'password' are required.", string.IsNullOrEmpty(request.Token) ? "token" : "password");
        }
        // Checked before the token, so a too-short password does not spend the link.
        if (request.Password.Length < UsersAdmin.MinPasswordLength)
        {
            return AdminErrors.Result(400, $"'password' must be at least {UsersAdmin.MinPasswordLength} characters.", "password");
        }
        var address = http.Connection.RemoteIpAddress?.ToString();
        var attempt = _throttle.Begin(ThrottleName, http.Connection.RemoteIpAddress);
        if (!attempt.Allowed)
        {
            if (attempt.FirstRefusal)
            {
                await audit.RecordAsync("anonymous", null, address, "user.password_reset", "user", null, null, "locked_out", http.RequestAborted);
            }
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(attempt.RetryAfter!.Value.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Refused();
        }
        var spent = await resets.RedeemAsync(request.Token, http.RequestAborted);
        var user = spent is { } s ? await users.FindAsync(s.User, http.RequestAborted) : null;
        // A user deleted and made again under the same name is someone else: the older token is not theirs.
        if (user is null || user.CreatedAt > spent!.Value.IssuedAt)
        {
            _throttle.Failed(attempt, unknownName: false);
            await audit.RecordAsync("anonymous", null, address, "user.password_reset", "user", null, null, "failure", http.RequestAborted);
            return Refused();
        }
        _throttle.Succeeded(attempt);
        await users.UpdateAsync(user with { PasswordHash = hasher.HashPassword(user.Config.Name, request.Password), UpdatedAt = time.GetUtcNow() }, http.RequestAborted);
        // A reset also lifts a lockout, and ends every session made with the old password.
        await users.RecordLoginAsync(user.Config.Name, 0, null, http.RequestAborted);
        loginThrottle.Unlock(user.Config.Name);
        await sessions.EndAllAsync(user.Config.Name, http.RequestAborted);
        await state.ChangedAsync(http.RequestAborted);
        await audit.RecordAsync(user.Config.Name, user.Config.Role, address, "user.password_reset", "user", user.Config.Name,
            """{"password":"changed","via":"reset_link"}""", "success", http.RequestAborted);
        return Results.Json(new PasswordResetView(user.Config.Name), PasswordResetJsonContext.Default.PasswordResetView);
    }

    private static IResult Refused() => AdminErrors.Result(401,
        "This reset link is not valid: it may be wrong, expired, already used or replaced by a newer one, or there were too many tries from this address.",
        "token", "invalid_reset_token");

    /// <summary><c>server.public_url</c> when set; else the scheme and host this request came to (which a proxy may have rewritten).</summary>
    private string Origin(HttpContext http) =>
        runtime.FileConfig.Server.PublicUrl is { } configured ? PublicUrls.Origin(configured) : $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
}

internal sealed record PasswordResetRequest
{
    public string? Token { get; init; }
    public string? Password { get; init; }
}

/// <summary>A new reset link; its token is in no other answer, log or audit entry.</summary>
internal sealed record ResetLinkView(string User, string Link, DateTimeOffset ExpiresAt);

internal sealed record PasswordResetView(string User);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(PasswordResetRequest))]
[JsonSerializable(typeof(ResetLinkView))]
[JsonSerializable(typeof(PasswordResetView))]
internal sealed partial class PasswordResetJsonContext : JsonSerializerContext;
