using Microsoft.AspNetCore.Http;
using Switchyard.Configuration;
using Switchyard.Routing;
using Switchyard.Storage;

namespace Switchyard.Admin;

/// <summary>
/// What a super admin sets on a group is a ceiling for everyone below: a group admin may narrow the models and
/// lower the limits (its group's, its users', its keys'), never widen, raise or remove them, and may not turn
/// on prompt storage. Super admins are not asked.
/// </summary>
internal static class GroupCeilings
{
    private static readonly (string Name, Func<LimitsConfig, decimal?> Value)[] Fields =
    [
        ("rpm", l => l.Rpm),
        ("tpm", l => l.Tpm),
        ("tokens_per_day", l => l.TokensPerDay),
        ("tokens_per_month", l => l.TokensPerMonth),
        ("usd_per_day", l => l.UsdPerDay),
        ("usd_per_month", l => l.UsdPerMonth),
        ("usd_total", l => l.UsdTotal),
        ("max_parallel", l => l.MaxParallel),
    ];

    /// <summary>A group admin's change of its group: null when it stays within the ceiling, else the 403 naming the field.</summary>
    public static IResult? CheckGroup(StoredGroup existing, GroupConfig updated, ModelCatalog catalog)
    {
        var ceiling = existing.EffectiveCeiling;
        var group = existing.Config.Name;
        if (ceiling.Models.Count > 0)
        {
            var allowed = ceiling.Models.Select(m => catalog.Canonical(m) ?? m).ToHashSet(StringComparer.Ordinal);
            // A concrete name under one of the ceiling's patterns stays within it; a pattern only if the ceiling has it.
            bool Within(string m) => allowed.Contains(catalog.Canonical(m) ?? m)
                || (!ModelGlob.IsPattern(m) && ceiling.Models.Any(c => ModelGlob.IsPattern(c) && ModelGlob.IsMatch(c, m)));
            if (updated.Models.Count == 0 || !updated.Models.All(Within))
            {
                return Refuse("models", $"'models' may only keep or remove models of [{string.Join(", ", ceiling.Models)}], which a super admin "
                    + $"allowed group '{group}'; widening it, or [] for all models, is a super admin's decision.");
            }
        }
        if (updated.StoreBodies && !existing.Config.StoreBodies)
        {
            return Refuse("store_bodies", $"Turning on 'store_bodies' for group '{group}' is a super admin's decision.");
        }
        return CheckLimits("limits.", ceiling.Limits, updated.Limits, group, mustKeep: true);
    }

    /// <summary>
    /// Limits a group admin (or a user, for its own keys) sets on a user or key of <paramref name="group"/>: each one
    /// set stays at or under the group's ceiling; an unset one falls back to the group's own.
    /// </summary>
    public static IResult? CheckMember(StoredGroup group, LimitsConfig? limits) =>
        CheckLimits("limits.", group.EffectiveCeiling.Limits is { } l ? l with { Models = null, Endpoints = null } : null, limits, group.Config.Name, mustKeep: false);

    /// <param name="mustKeep">True for the group itself: removing a limit the ceiling has would loosen it.</param>
    private static IResult? CheckLimits(string prefix, LimitsConfig? ceiling, LimitsConfig? limits, string group, bool mustKeep)
    {
        if (ceiling is null)
        {
            return null;
        }
        foreach (var (name, value) in Fields)
        {
            if (value(ceiling) is not { } most)
            {
                continue;
            }
            var set = limits is null ? null : value(limits);
            if (set > most || (set is null && mustKeep))
            {
                return Refuse(prefix + name, $"'{prefix}{name}' may be at most {most.ToString(System.Globalization.CultureInfo.InvariantCulture)}{(mustKeep ? " and may not be removed" : "")}: "
                    + $"that is the ceiling a super admin set for group '{group}'.");
            }
        }
        foreach (var (model, modelCeiling) in ceiling.Models ?? new Dictionary<string, LimitsConfig>())
        {
            var modelLimits = limits?.Models is { } models && models.TryGetValue(model, out var found) ? found : null;
            if (CheckLimits($"{prefix}models.{model}.", modelCeiling, modelLimits, group, mustKeep) is { } refusal)
            {
                return refusal;
            }
        }
        foreach (var (endpoint, endpointCeiling) in ceiling.Endpoints ?? new Dictionary<string, LimitsConfig>())
        {
            var endpointLimits = limits?.Endpoints is { } endpoints && endpoints.TryGetValue(endpoint, out var found) ? found : null;
            if (CheckLimits($"{prefix}endpoints.{endpoint}.", endpointCeiling, endpointLimits, group, mustKeep) is { } refusal)
            {
                return refusal;
            }
        }
        return null;
    }

    private static IResult Refuse(string field, string message) => AdminErrors.Result(403, message, field, "above_ceiling");
}
