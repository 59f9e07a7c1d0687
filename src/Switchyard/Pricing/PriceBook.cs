using System.Collections.Frozen;
using Switchyard.Configuration;
using Switchyard.Contracts;

namespace Switchyard.Pricing;

/// <summary>
/// The prices of one config snapshot: a model's configured <c>price</c>, else the built-in list price of the model
/// (or of the upstream model that served it); each group's <c>price_multiplier</c> on top. Immutable: a reload
/// builds a new book, and records already written keep the version they were charged at.
/// </summary>
public sealed class PriceBook
{
    private readonly FrozenDictionary<string, PriceConfig> _configured;
    private readonly FrozenDictionary<string, decimal> _multipliers;

    /// <summary>Each answer once per book: the request path neither scans the built-in table nor hashes a version.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Model, string? Served, string? Group), ModelPrice?> _resolved = new();

    public PriceBook(IEnumerable<ModelConfig> models, IEnumerable<GroupConfig>? groups = null)
    {
        _configured = models.Where(m => m.Price is not null).ToFrozenDictionary(m => m.Name, m => m.Price!, StringComparer.Ordinal);
        _multipliers = (groups ?? []).Where(g => g.PriceMultiplier != 1m)
            .ToFrozenDictionary(g => g.Name, g => g.PriceMultiplier, StringComparer.Ordinal);
    }

    public PriceBook(GatewayConfig config) : this(config.Models, config.Groups)
    {
    }

    /// <summary>The model's effective price per 1M tokens (configured, else built in), without a group's multiplier.</summary>
    public PriceConfig? For(string model) => Resolve(model, null, null)?.Price;

    /// <summary>
    /// The price a request is charged at. The canonical model's configured price wins; then the built-in price of the
    /// canonical model, then of the upstream model that served it. Null when none is known (the cost is then 0).
    /// </summary>
    public ModelPrice? Resolve(string model, string? servedModel, string? group) =>
        _resolved.GetOrAdd((model, servedModel, group), static (key, book) => book.Find(key.Model, key.Served, key.Group), this);

    private ModelPrice? Find(string model, string? servedModel, string? group)
    {
        var multiplier = group is not null && _multipliers.TryGetValue(group, out var m) ? m : 1m;
        if (_configured.TryGetValue(model, out var configured))
        {
            return new ModelPrice(model, configured, multiplier, "config");
        }
        var builtIn = BuiltInPrices.Find(model) ?? (servedModel is null ? null : BuiltInPrices.Find(servedModel));
        if (builtIn is { } found)
        {
            return new ModelPrice(found.Name, found.Price, multiplier, "builtin");
        }
        return null;
    }

    /// <summary>Every configured price and every built-in one not overridden, at multiplier 1.</summary>
    public IReadOnlyList<ModelPrice> All() =>
        _configured.Select(p => new ModelPrice(p.Key, p.Value, 1m, "config"))
            .Concat(BuiltInPrices.Table.Where(p => !_configured.ContainsKey(p.Key)).Select(p => new ModelPrice(p.Key, p.Value, 1m, "builtin")))
            .OrderBy(p => p.Model, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// Token cost in USD (no per-request price, no multiplier). Usage is in OpenAI's semantics: cache reads and writes
    /// are parts of the input, reasoning is part of the output; each part is priced apart when the model sets that
    /// price, and at the plain input or output price when it does not.
    /// </summary>
    public static decimal Cost(PriceConfig? price, TokenUsage usage)
    {
        if (price is null)
        {
            return 0m;
        }
        var plainInput = Math.Max(0, usage.Input - usage.Cached - usage.CacheWrite);
        var plainOutput = Math.Max(0, usage.Output - usage.Reasoning);
        var micro = plainInput * price.Input
            + usage.Cached * (price.CachedInput ?? price.Input)
            + usage.CacheWrite * (price.CacheWrite ?? price.Input)
            + plainOutput * price.Output
            + usage.Reasoning * (price.Reasoning ?? price.Output);
        return micro / 1_000_000m;
    }
}
