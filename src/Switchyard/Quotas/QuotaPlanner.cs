using System.Collections.Frozen;
using Switchyard.Configuration;
using Switchyard.Contracts;
using Switchyard.Pricing;
using Switchyard.Routing;
using Switchyard.Tenancy;

namespace Switchyard.Quotas;

/// <summary>
/// Works out which limits apply to a request (its key's, its user's, its group's, its group's for the model) and
/// what to reserve: the prompt estimated from the body's size plus the requested output, bounded.
/// </summary>
public sealed class QuotaPlanner(GatewayRuntime runtime)
{
    /// <summary>Output reserved when the request sets no maximum, and the most reserved when it does.</summary>
    public const long DefaultOutputReservation = 1024;
    public const long MaxOutputReservation = 4096;

    private sealed record Lookup(GatewayConfig Config, FrozenDictionary<string, UserConfig> Users, FrozenDictionary<string, (GroupConfig Group, TimeZoneInfo Zone)> Groups)
    {
        /// <summary>
        /// Each key's scopes per model and kind of call, made once per key (a reloaded key is a new object) and config:
        /// their ids and labels are strings built from names, not worth building per request.
        /// </summary>
        public System.Runtime.CompilerServices.ConditionalWeakTable<VirtualKey, System.Collections.Concurrent.ConcurrentDictionary<(string Model, string? Endpoint), QuotaScope[]?>> Scopes { get; } = new();
    }

    /// <summary>Bounds a key's cached scope lists (models × kinds of call it used).</summary>
    private const int MaxCachedPerKey = 256;

    private Lookup? _lookup;

    /// <param name="endpoint">The kind of call as limits name it (<see cref="LimitEndpoints"/>), or null.</param>
    public QuotaPlan? Plan(VirtualKey key, string canonicalModel, string? endpoint, int bodyBytes, long? maxOutputTokens)
    {
        var lookup = Current();
        var perKey = lookup.Scopes.GetValue(key, static _ => new());
        if (!perKey.TryGetValue((canonicalModel, endpoint), out var scopes))
        {
            if (perKey.Count >= MaxCachedPerKey)
            {
                perKey.Clear();
            }
            scopes = Scopes(lookup, key, canonicalModel, endpoint);
            perKey[(canonicalModel, endpoint)] = scopes;
        }
        if (scopes is null)
        {
            return null;
        }
        // A JSON body holds about one token per four bytes of text; its syntax makes this an overestimate, the safe side.
        var prompt = bodyBytes / 4;
        var output = Math.Min(maxOutputTokens ?? DefaultOutputReservation, MaxOutputReservation);
        var usd = PriceBook.Cost(runtime.Prices.For(canonicalModel), new TokenUsage(prompt, output, 0, 0, 0));
        return new QuotaPlan(scopes, prompt + output, usd);
    }

    private static QuotaScope[]? Scopes(Lookup lookup, VirtualKey key, string canonicalModel, string? endpoint)
    {
        var (group, zone) = lookup.Groups.TryGetValue(key.Group, out var found) ? found : (null, TimeZoneInfo.Utc);
        List<QuotaScope>? scopes = null;
        void Add(string id, string label, LimitsConfig? limits)
        {
            if (limits is not null && HasAny(limits))
            {
                (scopes ??= []).Add(new QuotaScope(id, label, limits, zone));
            }
        }
        // Each scope's own limits, then those it sets for this model and for this kind of call.
        void AddScope(string id, string label, LimitsConfig? limits)
        {
            Add(id, label, limits);
            if (limits?.Models is { } perModel && perModel.TryGetValue(canonicalModel, out var modelLimits))
            {
                Add($"{id}:model:{canonicalModel}", $"{label} model {canonicalModel}", modelLimits);
            }
            if (endpoint is not null && limits?.Endpoints is { } perEndpoint && perEndpoint.TryGetValue(endpoint, out var endpointLimits))
            {
                Add($"{id}:endpoint:{endpoint}", $"{label} endpoint {endpoint}", endpointLimits);
            }
        }
        // Checked before the call: the ids and labels are built only for a scope that has limits (most have none).
        if (key.Limits is not null)
        {
            AddScope($"key:{key.Id}", $"key {key.Name}", key.Limits);
        }
        if (key.User is { } userName && lookup.Users.TryGetValue(userName, out var user) && user.Limits is not null)
        {
            AddScope($"user:{user.Name}", $"user {user.Name}", user.Limits);
        }
        if (group?.Limits is not null)
        {
            AddScope($"group:{group.Name}", $"group {group.Name}", group.Limits);
        }
        return scopes?.ToArray();
    }

    /// <summary>The key's own scope (for its admin view), or null when the key has no limits.</summary>
    public QuotaScope? KeyScope(VirtualKey key)
    {
        var lookup = Current();
        var zone = lookup.Groups.TryGetValue(key.Group, out var found) ? found.Zone : TimeZoneInfo.Utc;
        return key.Limits is { } limits && HasAny(limits) ? new QuotaScope($"key:{key.Id}", $"key {key.Name}", limits, zone) : null;
    }

    private static bool HasAny(LimitsConfig l) =>
        l.Rpm is not null || l.Tpm is not null || l.TokensPerDay is not null || l.TokensPerMonth is not null
        || l.UsdPerDay is not null || l.UsdPerMonth is not null || l.UsdTotal is not null || l.MaxParallel is not null;

    /// <summary>Lookups rebuilt only when a reload swapped the config.</summary>
    private Lookup Current()
    {
        var config = runtime.Config;
        var lookup = _lookup;
        if (lookup is null || !ReferenceEquals(lookup.Config, config))
        {
            lookup = new Lookup(config,
                config.Users.ToFrozenDictionary(u => u.Name, StringComparer.Ordinal),
                config.Groups.ToFrozenDictionary(g => g.Name,
                    g => (g, TimeZoneInfo.TryFindSystemTimeZoneById(g.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc), StringComparer.Ordinal));
            _lookup = lookup;
        }
        return lookup;
    }
}
