using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchyard.Audit;
using Switchyard.Configuration;
using Switchyard.Routing;
using Switchyard.SharedState;
using Switchyard.Storage;
using Switchyard.Tenancy;

namespace Switchyard.Admin;

/// <summary><c>/admin/groups</c>: super admins create and delete groups; a group admin reads and edits its own.</summary>
internal sealed class GroupsAdmin(GroupStore groups, UserStore users, KeyStore keys, GatewayRuntime runtime, StateReloader state,
    AuditLog audit, ScopeQuotas quotas, TimeProvider time)
{
    public async Task<IResult> ListAsync(HttpContext http)
    {
        var principal = AdminPrincipal.Of(http);
        var (limit, cursor, error) = AdminBody.Paging(http);
        if (error is not null)
        {
            return error;
        }
        var visible = (await groups.ListAsync(http.RequestAborted)).Where(g => AdminAccess.CanSeeGroup(principal, g.Config.Name)).Select(View).ToList();
        return Results.Json(AdminBody.PageOf(visible, limit, cursor), TenancyJsonContext.Default.PageGroupView);
    }

    public async Task<IResult> GetAsync(HttpContext http, string name)
    {
        if (!AdminAccess.CanSeeGroup(AdminPrincipal.Of(http), name))
        {
            return AdminErrors.Forbidden("You may only see your own group.");
        }
        var group = await groups.FindAsync(name, http.RequestAborted);
        if (group is null)
        {
            return NotFound(name);
        }
        return Results.Json(View(group) with { Quota = await quotas.ForGroupAsync(group.Config, http.RequestAborted) }, TenancyJsonContext.Default.GroupView);
    }

    public async Task<IResult> CreateAsync(HttpContext http)
    {
        var (request, error) = await AdminBody.ReadAsync(http, TenancyJsonContext.Default.GroupRequest);
        if (request is null)
        {
            return error!;
        }
        if (AdminLimits.Invalid(request.Limits) is { } badLimits)
        {
            return badLimits;
        }
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 64)
        {
            return AdminErrors.Result(400, "'name' is required (at most 64 characters).", "name");
        }
        var config = new GroupConfig
        {
            Name = request.Name,
            Models = request.Models ?? [],
            Limits = request.Limits,
            TimeZone = request.Timezone ?? "UTC",
            StoreBodies = request.StoreBodies ?? false,
            PriceMultiplier = request.PriceMultiplier ?? 1m,
        };
        if (Validate(config) is { } invalid)
        {
            return invalid;
        }
        var now = time.GetUtcNow();
        var stored = new StoredGroup(config, KeySources.Api, now, now);
        if (!await groups.InsertAsync(stored, http.RequestAborted))
        {
            return AdminErrors.Result(409, $"A group named '{config.Name}' already exists.", "name", "group_exists");
        }
        await state.ChangedAsync(http.RequestAborted);
        var view = View(stored);
        await audit.RecordAsync(http, "group.create", "group", config.Name, Json(view));
        return Results.Json(view, TenancyJsonContext.Default.GroupView, statusCode: 201);
    }

    public async Task<IResult> PatchAsync(HttpContext http, string name)
    {
        var principal = AdminPrincipal.Of(http);
        if (!AdminAccess.CanEditGroup(principal, name))
        {
            return AdminErrors.Forbidden("You may only change your own group.");
        }
        var (request, error) = await AdminBody.ReadAsync(http, TenancyJsonContext.Default.GroupRequest);
        if (request is null)
        {
            return error!;
        }
        if (AdminLimits.Invalid(request.Limits) is { } badLimits)
        {
            return badLimits;
        }
        if (request.Name is not null && request.Name != name)
        {
            return AdminErrors.Result(400, "A group cannot be renamed.", "name");
        }
        var existing = await groups.FindAsync(name, http.RequestAborted);
        if (existing is null)
        {
            return NotFound(name);
        }
        if (request.PriceMultiplier is { } multiplier && multiplier != existing.Config.PriceMultiplier)
        {
            // Prices are the super admin's: a group admin lowering its group's would shift the bill onto everyone else.
            if (!AdminAccess.IsSuper(principal))
            {
                return AdminErrors.Forbidden("Only a super admin may change a group's price multiplier.");
            }
            if (existing.Source == KeySources.Config)
            {
                return AdminErrors.Result(409, $"Group '{name}' takes its price_multiplier from the config file; change it there.", "price_multiplier", "declared_in_config");
            }
        }
        var config = existing.Config with
        {
            Models = request.Models ?? existing.Config.Models,
            PriceMultiplier = request.PriceMultiplier ?? existing.Config.PriceMultiplier,
            // An empty object removes every limit.
            Limits = request.Limits is null ? existing.Config.Limits : IsEmpty(request.Limits) ? null : request.Limits,
            TimeZone = request.Timezone ?? existing.Config.TimeZone,
            StoreBodies = request.StoreBodies ?? existing.Config.StoreBodies,
        };
        if (Validate(config) is { } invalid)
        {
            return invalid;
        }
        if (!AdminAccess.IsSuper(principal) && GroupCeilings.CheckGroup(existing, config, runtime.Catalog) is { } aboveCeiling)
        {
            return aboveCeiling;
        }
        // The models and limits a super admin sends become the new ceiling (those it leaves out keep theirs); a group
        // admin's leave the ceiling where it was.
        var ceiling = existing.EffectiveCeiling;
        if (AdminAccess.IsSuper(principal))
        {
            ceiling = new GroupCeiling(request.Models is null ? ceiling.Models : config.Models, request.Limits is null ? ceiling.Limits : config.Limits);
        }
        var updated = existing with { Config = config, UpdatedAt = time.GetUtcNow(), Ceiling = ceiling };
        await groups.UpdateAsync(updated, http.RequestAborted);
        await state.ChangedAsync(http.RequestAborted);
        var view = View(updated);
        await audit.RecordAsync(http, "group.update", "group", name, AuditDiff.Of(Json(View(existing)), Json(view), "updated_at"));
        return Results.Json(view, TenancyJsonContext.Default.GroupView);
    }

    public async Task<IResult> DeleteAsync(HttpContext http, string name)
    {
        var existing = await groups.FindAsync(name, http.RequestAborted);
        if (existing is null)
        {
            return NotFound(name);
        }
        if (existing.Source == KeySources.Config)
        {
            return AdminErrors.Result(409, $"Group '{name}' is declared in the config file; remove it there.", code: "declared_in_config");
        }
        var active = (await keys.ListAsync(http.RequestAborted)).Where(k => k.Group == name && k.RevokedAt is null).ToList();
        if ((await users.ListAsync(http.RequestAborted)).Any(u => u.Config.Group == name) || active.Any(k => k.Source != KeySources.Playground))
        {
            return AdminErrors.Result(409, $"Group '{name}' still has users or active keys.", code: "group_in_use");
        }
        // Playground keys left by super admins who played in the group (its members' would have kept it in use).
        foreach (var playground in active)
        {
            await keys.RevokeAsync(playground.Id, time.GetUtcNow(), http.RequestAborted);
        }
        await groups.DeleteAsync(name, http.RequestAborted);
        await state.ChangedAsync(http.RequestAborted);
        await audit.RecordAsync(http, "group.delete", "group", name, Json(View(existing)));
        return Results.NoContent();
    }

    private IResult? Validate(GroupConfig config)
    {
        if (config.PriceMultiplier is <= 0m or > 1000m)
        {
            return AdminErrors.Result(400, "'price_multiplier' must be above 0 (at most 1000).", "price_multiplier");
        }
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(config.TimeZone, out _))
        {
            return AdminErrors.Result(400, $"Unknown time zone '{config.TimeZone}' (use an IANA name such as Asia/Shanghai).", "timezone");
        }
        foreach (var model in config.Models)
        {
            if (!ModelGlob.IsPattern(model) && runtime.Catalog.Canonical(model) is null)
            {
                return AdminErrors.Result(400, $"Unknown model '{model}'.", "models");
            }
        }
        return null;
    }

    internal static bool IsEmpty(LimitsConfig limits) => limits == new LimitsConfig();

    private static IResult NotFound(string name) => AdminErrors.Result(404, $"No group named '{name}'.", "name", "group_not_found");

    private static string Json(GroupView view) => JsonSerializer.Serialize(view, TenancyJsonContext.Default.GroupView);

    private static GroupView View(StoredGroup g) => new()
    {
        Name = g.Config.Name,
        Models = g.Config.Models,
        Limits = g.Config.Limits,
        Timezone = g.Config.TimeZone,
        StoreBodies = g.Config.StoreBodies,
        PriceMultiplier = g.Config.PriceMultiplier,
        Ceiling = new GroupCeilingView { Models = g.EffectiveCeiling.Models, Limits = g.EffectiveCeiling.Limits },
        Source = g.Source,
        CreatedAt = g.CreatedAt,
        UpdatedAt = g.UpdatedAt,
    };
}
