using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchyard.Audit;
using Switchyard.Routing;
using Switchyard.SharedState;
using Switchyard.Storage;
using Switchyard.Tenancy;

namespace Switchyard.Admin;

/// <summary><c>/admin/keys</c>: create (the secret is shown once), list, show, change and revoke virtual keys, each within the caller's reach.</summary>
internal sealed class KeysAdmin(KeyStore store, GroupStore groups, StateReloader state, GatewayRuntime runtime, Quotas.QuotaPlanner planner, Quotas.IQuotaStore quotas,
    AuditLog audit, KeyHasher hasher, TimeProvider time, UsageReport usage)
{
    public async Task<IResult> CreateAsync(HttpContext http)
    {
        var (request, error) = await AdminBody.ReadAsync(http, AdminJsonContext.Default.CreateKeyRequest);
        if (request is null)
        {
            return error!;
        }
        if (AdminLimits.Invalid(request.Limits) is { } badLimits)
        {
            return badLimits;
        }
        var principal = AdminPrincipal.Of(http);
        if (Validate(request, principal) is { } invalid)
        {
            return invalid;
        }
        if (!AdminAccess.CanManageKey(principal, request.Group!, request.User, RoleOf(request.User)))
        {
            return AdminErrors.Forbidden("You may create keys only for yourself, or as a group admin for your group's users whose role is below yours.");
        }
        if (!AdminAccess.IsSuper(principal) && request.Limits is not null && await groups.FindAsync(request.Group!, http.RequestAborted) is { } group
            && GroupCeilings.CheckMember(group, request.Limits) is { } aboveCeiling)
        {
            return aboveCeiling;
        }
        var secret = VirtualKeySecret.Generate();
        var key = new VirtualKey
        {
            Id = Ids.NewKeyId(),
            Name = request.Name!,
            KeyHash = hasher.ForStorage(secret),
            KeyHint = VirtualKeySecret.Hint(secret),
            User = request.User,
            Group = request.Group!,
            Models = request.Models ?? [],
            Limits = request.Limits,
            ExpiresAt = request.ExpiresAt,
            CreatedAt = time.GetUtcNow(),
            Source = KeySources.Api,
            AllowedIps = request.AllowedIps ?? [],
        };
        if (!await store.InsertAsync(key, http.RequestAborted))
        {
            return AdminErrors.Result(409, $"A key named '{key.Name}' already exists.", "name", "key_exists");
        }
        await state.ChangedAsync(http.RequestAborted);
        var view = View(key);
        await audit.RecordAsync(http, "key.create", "key", key.Id, Json(view));
        return Results.Json(view with { Key = secret }, AdminJsonContext.Default.KeyView, statusCode: 201);
    }

    /// <summary>Filters: <c>group</c>, <c>user</c>, <c>revoked=true|false</c>; pages with <c>limit</c> and <c>cursor</c>.</summary>
    public async Task<IResult> ListAsync(HttpContext http)
    {
        var principal = AdminPrincipal.Of(http);
        var (limit, cursor, error) = AdminBody.Paging(http);
        if (error is not null)
        {
            return error;
        }
        var query = http.Request.Query;
        var group = query["group"].ToString();
        var user = query["user"].ToString();
        var revoked = query["revoked"].ToString();
        var keys = (await store.ListAsync(http.RequestAborted))
            .Where(k => AdminAccess.CanSeeKey(principal, k))
            .Where(k => group.Length == 0 || k.Group == group)
            .Where(k => user.Length == 0 || k.User == user)
            .Where(k => revoked.Length == 0 || (k.RevokedAt is not null) == (revoked == "true"))
            .ToList();
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var activity = keys.Count == 0 ? new Dictionary<string, KeyActivity>() : await usage.KeyActivityAsync(new DateOnly(today.Year, today.Month, 1), http.RequestAborted);
        var views = keys.Select(k => activity.TryGetValue(k.Name, out var used)
            ? View(k) with { LastUsedDay = used.LastDay, SpendThisMonthUsd = UsageAdmin.FormatUsd(used.SpendUsd) }
            : View(k) with { SpendThisMonthUsd = "0" }).ToList();
        return Results.Json(AdminBody.PageOf(views, limit, cursor), TenancyJsonContext.Default.PageKeyView);
    }

    public async Task<IResult> GetAsync(HttpContext http, string id)
    {
        var key = await store.FindAsync(id, http.RequestAborted);
        if (key is null || !AdminAccess.CanSeeKey(AdminPrincipal.Of(http), key))
        {
            // Another group's key answers as a missing one, so ids outside one's reach say nothing.
            return NotFound();
        }
        IReadOnlyList<QuotaView>? quota = null;
        if (planner.KeyScope(key) is { } scope)
        {
            try
            {
                quota = QuotaViews.Of(scope.Limits, await quotas.UsageAsync(scope, http.RequestAborted));
            }
            catch (Resp.RedisException)
            {
                // The key's view still answers while the shared limits store is down; its usage is just unknown.
            }
        }
        return Results.Json(View(key) with { Quota = quota }, AdminJsonContext.Default.KeyView);
    }

    public async Task<IResult> RevokeAsync(HttpContext http, string id)
    {
        var principal = AdminPrincipal.Of(http);
        var key = await store.FindAsync(id, http.RequestAborted);
        if (key is null || !AdminAccess.CanSeeKey(principal, key))
        {
            return NotFound();
        }
        if (!AdminAccess.CanManageKey(principal, key.Group, key.User, RoleOf(key.User)))
        {
            return AdminErrors.Forbidden("You may revoke only your own keys, or as a group admin your group's keys of users whose role is below yours.");
        }
        await store.RevokeAsync(id, time.GetUtcNow(), http.RequestAborted);
        // Every instance polls the shared version, so the key stops working everywhere within a poll interval.
        await state.ChangedAsync(http.RequestAborted);
        var revoked = await store.FindAsync(id, http.RequestAborted);
        var view = View(revoked!);
        await audit.RecordAsync(http, "key.revoke", "key", id, AuditDiff.Of(Json(View(key)), Json(view)));
        return Results.Json(view, AdminJsonContext.Default.KeyView);
    }

    /// <summary>
    /// Changes a key made through the API: name, models, limits, expiry, allowed IPs. The same reach as revoking; group
    /// admins stay under their group's ceilings. The secret never changes (revoke and create for that).
    /// </summary>
    public async Task<IResult> UpdateAsync(HttpContext http, string id)
    {
        var (request, error) = await AdminBody.ReadAsync(http, AdminJsonContext.Default.UpdateKeyRequest);
        if (request is null)
        {
            return error!;
        }
        var principal = AdminPrincipal.Of(http);
        var key = await store.FindAsync(id, http.RequestAborted);
        if (key is null || !AdminAccess.CanSeeKey(principal, key))
        {
            return NotFound();
        }
        if (!AdminAccess.CanManageKey(principal, key.Group, key.User, RoleOf(key.User)))
        {
            return AdminErrors.Forbidden("You may change only your own keys, or as a group admin your group's keys of users whose role is below yours.");
        }
        if (key.Source == KeySources.Config)
        {
            return AdminErrors.Result(409, $"Key '{key.Name}' is declared in the config file; change it there.", "id", "declared_in_config");
        }
        // The playground finds its keys by source, user and group; the name only tells people what the key is.
        if (request.Name is not null && request.Name != key.Name
            && (key.Source == KeySources.Playground || request.Name.StartsWith(KeySources.PlaygroundPrefix, StringComparison.Ordinal)))
        {
            return ReservedName();
        }
        if (key.RevokedAt is not null)
        {
            return AdminErrors.Result(409, "A revoked key cannot be changed.", "id", "key_revoked");
        }
        if (ValidateChange(request) is { } invalid)
        {
            return invalid;
        }
        if (!AdminAccess.IsSuper(principal) && request.Limits is not null && await groups.FindAsync(key.Group, http.RequestAborted) is { } group
            && GroupCeilings.CheckMember(group, request.Limits) is { } aboveCeiling)
        {
            return aboveCeiling;
        }
        var updated = key with
        {
            Name = request.Name ?? key.Name,
            Models = request.Models ?? key.Models,
            Limits = request.Limits ?? key.Limits,
            ExpiresAt = request.NeverExpires == true ? null : request.ExpiresAt ?? key.ExpiresAt,
            AllowedIps = request.AllowedIps ?? key.AllowedIps,
        };
        if (updated.Name != key.Name && await store.FindByNameAsync(updated.Name, http.RequestAborted) is not null)
        {
            return AdminErrors.Result(409, $"A key named '{updated.Name}' already exists.", "name", "key_exists");
        }
        await store.UpdateAsync(updated, http.RequestAborted);
        await state.ChangedAsync(http.RequestAborted);
        var view = View(updated);
        await audit.RecordAsync(http, "key.update", "key", id, AuditDiff.Of(Json(View(key)), Json(view)));
        return Results.Json(view, AdminJsonContext.Default.KeyView);
    }

    private IResult? ValidateChange(UpdateKeyRequest request)
    {
        if (request.Name is not null && (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 128))
        {
            return AdminErrors.Result(400, "'name' must be 1 to 128 characters.", "name");
        }
        return ValidateSettings(request.Models, request.AllowedIps, request.ExpiresAt);
    }

    /// <summary>What a new key and an edited one must both satisfy: known models (or patterns), CIDR ranges, a future expiry.</summary>
    private IResult? ValidateSettings(IReadOnlyList<string>? models, IReadOnlyList<string>? allowedIps, DateTimeOffset? expiresAt)
    {
        foreach (var model in models ?? [])
        {
            if (!ModelGlob.IsPattern(model) && runtime.Catalog.Canonical(model) is null)
            {
                return AdminErrors.Result(400, $"Unknown model '{model}'.", "models");
            }
        }
        foreach (var cidr in allowedIps ?? [])
        {
            if (!System.Net.IPNetwork.TryParse(cidr, out _))
            {
                return AdminErrors.Result(400, $"'{cidr}' is not a CIDR range such as 10.0.0.0/8 or 2001:db8::/32.", "allowed_ips");
            }
        }
        if (expiresAt is { } expires && expires <= time.GetUtcNow())
        {
            return AdminErrors.Result(400, "'expires_at' must be in the future.", "expires_at");
        }
        return null;
    }

    /// <summary>The role a key of <paramref name="user"/> acts with (a group key, or a user since deleted, acts as no admin).</summary>
    private AdminRole RoleOf(string? user) =>
        user is not null && runtime.Config.Users.FirstOrDefault(u => u.Name == user) is { } found ? RoleNames.Parse(found.Role) : AdminRole.User;

    private IResult? Validate(CreateKeyRequest request, AdminPrincipal principal)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 128)
        {
            return AdminErrors.Result(400, "'name' is required (at most 128 characters).", "name");
        }
        if (request.Name.StartsWith(KeySources.PlaygroundPrefix, StringComparison.Ordinal))
        {
            return ReservedName();
        }
        if (string.IsNullOrWhiteSpace(request.Group))
        {
            return AdminErrors.Result(400, "'group' is required.", "group");
        }
        var config = runtime.Config;
        if (!runtime.Catalog.IsKnownGroup(request.Group))
        {
            return AdminErrors.Result(400, $"Unknown group '{request.Group}'.", "group");
        }
        if (request.User is not null)
        {
            var user = config.Users.FirstOrDefault(u => u.Name == request.User);
            if (user is null || !AdminAccess.CanSeeUser(principal, user.Name, user.Group))
            {
                // The same answer for a user one may not see, and no echo of the name, so the answer says nothing of it.
                return AdminErrors.Result(400, "'user' names no user you can see.", "user");
            }
            if (user.Group != request.Group)
            {
                return AdminErrors.Result(400, $"User '{request.User}' belongs to group '{user.Group}', not '{request.Group}'.", "group");
            }
        }
        return ValidateSettings(request.Models, request.AllowedIps, request.ExpiresAt);
    }

    private static IResult ReservedName() => AdminErrors.Result(400,
        $"Names starting with '{KeySources.PlaygroundPrefix}' belong to the console's playground keys, whose names do not change.", "name", "name_reserved");

    private static IResult NotFound() => AdminErrors.Result(404, "No such key.", "id", "key_not_found");

    internal static string Json(KeyView view) => JsonSerializer.Serialize(view, AdminJsonContext.Default.KeyView);

    internal static KeyView View(VirtualKey key) => new()
    {
        Id = key.Id,
        Name = key.Name,
        KeyHint = key.KeyHint,
        Group = key.Group,
        User = key.User,
        Models = key.Models,
        Limits = key.Limits,
        ExpiresAt = key.ExpiresAt,
        RevokedAt = key.RevokedAt,
        CreatedAt = key.CreatedAt,
        Source = key.Source,
        AllowedIps = key.AllowedIps,
    };
}
