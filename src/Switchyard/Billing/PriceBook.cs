using System.Collections.Frozen;
using Switchyard.Configuration;

namespace Switchyard.Billing;

/// <summary>USD per one million tokens for each priced model, held in memory.</summary>
public sealed class PriceBook(IEnumerable<ModelConfig> models)
{
    private readonly FrozenDictionary<string, PriceConfig> _prices = models
        .Where(m => m.Price is not null)
        .ToFrozenDictionary(m => m.Name, m => m.Price!, StringComparer.Ordinal);

    public PriceConfig? For(string model) => _prices.GetValueOrDefault(model);

    /// <summary>
    /// Cost in USD. Cache reads, cache writes and reasoning are priced apart when the model sets those prices,
    /// and at the plain input or output price when it does not.
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
