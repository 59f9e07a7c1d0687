using Microsoft.AspNetCore.Http;
using Switchyard.Configuration;
using Switchyard.Routing;

namespace Switchyard.Admin;

/// <summary>
/// What a group's members may read of it (<see cref="AdminAccess.CanSeeGroupAsMember"/>): its limits with used and
/// remaining, and the models they may use at the prices the group is charged. Both from the runtime snapshot.
/// </summary>
internal sealed class GroupMemberViews(GatewayRuntime runtime, ScopeQuotas quotas)
{
    public async Task<IResult> QuotaAsync(HttpContext http, string name)
    {
        if (Find(http, name, out var refusal) is not { } group)
        {
            return refusal!;
        }
        return Results.Json(new GroupQuotaView(group.Name, await quotas.ForGroupAsync(group, http.RequestAborted)), AdminJsonContext.Default.GroupQuotaView);
    }

    public IResult Models(HttpContext http, string name)
    {
        if (Find(http, name, out var refusal) is not { } group)
        {
            return refusal!;
        }
        var catalog = runtime.Catalog;
        var prices = runtime.Prices;
        var rows = new List<GroupModelView>();
        foreach (var model in catalog.PublicNames)
        {
            if (catalog.Canonical(model) is { } canonical && catalog.IsAllowed(model, canonical, group.Name, [])
                && catalog.Candidates(model, canonical, group.Name).Count > 0)
            {
                var price = prices.Resolve(canonical, null, group.Name);
                rows.Add(new GroupModelView(model, canonical, price is null ? null : Charged(price.Price, price.Multiplier)));
            }
        }
        return Results.Json(new GroupModelsView(group.Name, group.PriceMultiplier, rows), AdminJsonContext.Default.GroupModelsView);
    }

    private GroupConfig? Find(HttpContext http, string name, out IResult? refusal)
    {
        refusal = null;
        if (!AdminAccess.CanSeeGroupAsMember(AdminPrincipal.Of(http), name))
        {
            refusal = AdminErrors.Forbidden("You may only see your own group.");
            return null;
        }
        var group = runtime.Config.Groups.FirstOrDefault(g => g.Name == name);
        if (group is null)
        {
            refusal = AdminErrors.Result(404, $"No group named '{name}'.", "name", "group_not_found");
        }
        return group;
    }

    /// <summary>The list price times the group's multiplier: what a member's request is charged per million tokens.</summary>
    private static PriceConfig Charged(PriceConfig p, decimal m) => m == 1m ? p : new PriceConfig
    {
        Input = p.Input * m,
        Output = p.Output * m,
        CachedInput = p.CachedInput * m,
        CacheWrite = p.CacheWrite * m,
        Reasoning = p.Reasoning * m,
        PerRequest = p.PerRequest * m,
    };
}

internal sealed record GroupQuotaView(string Group, IReadOnlyList<QuotaView>? Quota);

/// <param name="Name">The name a client sends (a model, an alias or a mapped name).</param>
/// <param name="Model">The model it resolves to, whose price applies.</param>
internal sealed record GroupModelView(string Name, string Model, PriceConfig? Price);

internal sealed record GroupModelsView(string Group, decimal PriceMultiplier, IReadOnlyList<GroupModelView> Data);
