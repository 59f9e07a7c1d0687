using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Switchyard.Audit;
using Switchyard.Configuration;
using Switchyard.Routing;
using Switchyard.SharedState;
using Switchyard.Storage;
using Switchyard.Tenancy;

namespace Switchyard.Admin;

/// <summary><c>/admin/users</c>: super admins manage everyone; group admins their group's users; users see themselves.</summary>
internal sealed class UsersAdmin(UserStore users, GroupStore groups, KeyStore keys, GatewayRuntime runtime, StateReloader state,
    AuditLog audit, AdminSessions sessions, PasswordHasher<string> hasher, ScopeQuotas quotas, TimeProvider time,
    LoginThrottle throttle)
{
    public const int MinPasswordLength = 12;

    public async Task<IResult> ListAsync(HttpContext http)
    {
        var principal = AdminPrincipal.Of(http);
        var (limit, cursor, error) = AdminBody.Paging(http);
        if (error is not null)
        {
            return error;
        }
        var group = http.Request.Query["group"].ToString();
        var role = http.Request.Query["role"].ToString();
        var visible = (await users.ListAsync(http.RequestAborted))
            .Where(u => AdminAccess.CanSeeUser(principal, u.Config.Name, u.Config.Group))
            .Where(u => group.Length == 0 || u.Config.Group == group)
            .Where(u => role.Length == 0 || u.Config.Role == role)
            .Select(View).ToList();
        return Results.Json(AdminBody.PageOf(visible, limit, cursor), TenancyJsonContext.Default.PageUserView);
    }

    public async Task<IResult> GetAsync(HttpContext http, string name)
    {
        var user = await users.FindAsync(name, http.RequestAborted);
        if (user is null || !AdminAccess.CanSeeUser(AdminPrincipal.Of(http), name, user.Config.Group))
        {
            // Not found and not yours look alike, so names outside one's reach stay private.
            return NotFound();
        }
        var group = runtime.Config.Groups.FirstOrDefault(g => g.Name == user.Config.Group);
        return Results.Json(View(user) with { Quota = await quotas.ForUserAsync(user.Config, group, http.RequestAborted) }, TenancyJsonContext.Default.UserView);
    }

    public async Task<IResult> CreateAsync(HttpContext http)
    {
        var principal = AdminPrincipal.Of(http);
        var (request, error) = await AdminBody.ReadAsync(http, TenancyJsonContext.Default.UserRequest);
        if (request is null)
        {
            return error!;
        }
        if (AdminLimits.Invalid(request.Limits) is { } badLimits)
        {
            return badLimits;
        }
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 64 || request.Name == AdminPrincipal.MasterName)
        {
            return AdminErrors.Result(400, "'name' is required (at most 64 characters, not 'master').", "name");
        }
        var config = new UserConfig { Name = request.Name, Group = request.Group ?? "", Role = request.Role ?? Roles.User, Limits = request.Limits };
        if (await ValidateAsync(config, request.Password, http.RequestAborted) is { } invalid)
        {
            return invalid;
        }
        if (!AdminAccess.CanManageUser(principal, config.Group, RoleNames.Parse(config.Role)))
        {
            return AdminErrors.Forbidden("You may create users only in your own group, with a role below yours.");
        }
        if (await AboveCeilingAsync(principal, config, http.RequestAborted) is { } aboveCeiling)
        {
            return aboveCeiling;
        }
        var now = time.GetUtcNow();
        var stored = new StoredUser(config, KeySources.Api, now, now)
        {
            PasswordHash = request.Password is null ? null : hasher.HashPassword(config.Name, request.Password),
        };
        if (!await users.InsertAsync(stored, http.RequestAborted))
        {
            return AdminErrors.Result(409, $"A user named '{config.Name}' already exists.", "name", "user_exists");
        }
        await state.ChangedAsync(http.RequestAborted);
        var view = View(stored);
        await audit.RecordAsync(http, "user.create", "user", config.Name, Json(view));
        return Results.Json(view, TenancyJsonContext.Default.UserView, statusCode: 201);
    }

    public async Task<IResult> PatchAsync(HttpContext http, string name)
    {
        var principal = AdminPrincipal.Of(http);
        var (request, error) = await AdminBody.ReadAsync(http, TenancyJsonContext.Default.UserRequest);
        if (request is null)
        {
            return error!;
        }
        if (AdminLimits.Invalid(request.Limits) is { } badLimits)
        {
            return badLimits;
        }
        var existing = await users.FindAsync(name, http.RequestAborted);
        if (existing is null || !AdminAccess.CanSeeUser(principal, name, existing.Config.Group))
        {
            return NotFound();
        }
        if (request.Name is not null && request.Name != name)
        {
            return AdminErrors.Result(400, "A user cannot be renamed.", "name");
        }
        var onlyPassword = request is { Group: null, Role: null, Limits: null, Unlock: null } && request.Password is not null;
        var currentRole = RoleNames.Parse(existing.Config.Role);
        var config = existing.Config with
        {
            Group = request.Group ?? existing.Config.Group,
            Role = request.Role ?? existing.Config.Role,
            Limits = request.Limits is null ? existing.Config.Limits : GroupsAdmin.IsEmpty(request.Limits) ? null : request.Limits,
        };
        var allowed = onlyPassword
            ? AdminAccess.CanChangePassword(principal, name, existing.Config.Group, currentRole)
            : AdminAccess.CanManageUser(principal, existing.Config.Group, currentRole) && AdminAccess.CanManageUser(principal, config.Group, RoleNames.Parse(config.Role));
        if (!allowed)
        {
            return AdminErrors.Forbidden(onlyPassword
                ? "You may change only your own password, or those of your group's users whose role is below yours."
                : "You may change only users of your own group whose role is below yours, and give them only such a role.");
        }
        if (await ValidateAsync(config, request.Password, http.RequestAborted) is { } invalid)
        {
            return invalid;
        }
        if (request.Limits is not null && await AboveCeilingAsync(principal, config, http.RequestAborted) is { } aboveCeiling)
        {
            return aboveCeiling;
        }
        var updated = existing with
        {
            Config = config,
            PasswordHash = request.Password is null ? existing.PasswordHash : hasher.HashPassword(name, request.Password),
            UpdatedAt = time.GetUtcNow(),
        };
        await users.UpdateAsync(updated, http.RequestAborted);
        if (request.Password is not null || request.Unlock == true)
        {
            await users.RecordLoginAsync(name, 0, null, http.RequestAborted);
            throttle.Unlock(name);
            updated = updated with { FailedLogins = 0, LockedUntil = null };
        }
        if (request.Password is not null)
        {
            // A new password ends every session made with the old one.
            await sessions.EndAllAsync(name, http.RequestAborted);
        }
        await state.ChangedAsync(http.RequestAborted);
        var view = View(updated);
        var changes = AuditDiff.Of(Json(View(existing)), Json(view), "updated_at");
        if (request.Password is not null)
        {
            changes = MarkPassword(changes);
        }
        await audit.RecordAsync(http, "user.update", "user", name, changes);
        return Results.Json(view, TenancyJsonContext.Default.UserView);
    }

    public async Task<IResult> DeleteAsync(HttpContext http, string name)
    {
        var principal = AdminPrincipal.Of(http);
        var existing = await users.FindAsync(name, http.RequestAborted);
        if (existing is null || !AdminAccess.CanSeeUser(principal, name, existing.Config.Group))
        {
            return NotFound();
        }
        if (!AdminAccess.CanManageUser(principal, existing.Config.Group, RoleNames.Parse(existing.Config.Role)))
        {
            return AdminErrors.Forbidden("You may delete only users of your own group whose role is below yours.");
        }
        if (existing.Source == KeySources.Config)
        {
            return AdminErrors.Result(409, $"User '{name}' is declared in the config file; remove it there.", code: "declared_in_config");
        }
        var active = (await keys.ListAsync(http.RequestAborted)).Where(k => k.User == name && k.RevokedAt is null).ToList();
        if (active.Any(k => k.Source != KeySources.Playground))
        {
            return AdminErrors.Result(409, $"User '{name}' still has active keys; revoke them first.", code: "user_in_use");
        }
        // The console made the user's playground keys, not the user: they go with it.
        foreach (var playground in active)
        {
            await keys.RevokeAsync(playground.Id, time.GetUtcNow(), http.RequestAborted);
        }
        await users.DeleteAsync(name, http.RequestAborted);
        await sessions.EndAllAsync(name, http.RequestAborted);
        await state.ChangedAsync(http.RequestAborted);
        await audit.RecordAsync(http, "user.delete", "user", name, Json(View(existing)));
        return Results.NoContent();
    }

    private async Task<IResult?> ValidateAsync(UserConfig config, string? password, CancellationToken cancellationToken)
    {
        if (!Roles.All.Contains(config.Role))
        {
            return AdminErrors.Result(400, $"'role' must be one of super_admin, group_admin, user; got '{config.Role}'.", "role");
        }
        if (config.Group.Length == 0 || await groups.FindAsync(config.Group, cancellationToken) is null)
        {
            return AdminErrors.Result(400, config.Group.Length == 0 ? "'group' is required." : $"Unknown group '{config.Group}'.", "group");
        }
        if (password is { Length: < MinPasswordLength })
        {
            return AdminErrors.Result(400, $"'password' must be at least {MinPasswordLength} characters.", "password");
        }
        return null;
    }

    /// <summary>Limits set by anyone but a super admin stay under the group's ceiling.</summary>
    private async Task<IResult?> AboveCeilingAsync(AdminPrincipal principal, UserConfig config, CancellationToken cancellationToken) =>
        AdminAccess.IsSuper(principal) || config.Limits is null || await groups.FindAsync(config.Group, cancellationToken) is not { } group
            ? null
            : GroupCeilings.CheckMember(group, config.Limits);

    private static string MarkPassword(string? changes)
    {
        var merged = changes is null ? "{}" : changes;
        return merged.Length <= 2 ? "{\"password\":\"changed\"}" : "{\"password\":\"changed\"," + merged[1..];
    }

    private static IResult NotFound() => AdminErrors.Result(404, "No such user.", "name", "user_not_found");

    private static string Json(UserView view) => JsonSerializer.Serialize(view, TenancyJsonContext.Default.UserView);

    private static UserView View(StoredUser u) => new()
    {
        Name = u.Config.Name,
        Group = u.Config.Group,
        Role = u.Config.Role,
        Limits = u.Config.Limits,
        HasPassword = u.PasswordHash is not null,
        LockedUntil = u.LockedUntil,
        Source = u.Source,
        CreatedAt = u.CreatedAt,
        UpdatedAt = u.UpdatedAt,
    };
}
