using System.Collections.Frozen;
using Switchyard.Configuration;

namespace Switchyard.Pricing;

/// <summary>
/// List prices of common models (USD per 1M tokens, standard tier, no batch discount), as published on the
/// providers' pricing pages and taken on 2026-12-02 (docs/configuration.md lists them). A model's
/// <c>price</c> in the config overrides its entry. A dated snapshot (<c>gpt-4o-2024-08-06</c>,
/// <c>claude-sonnet-4-5-20250929</c>) takes the price of the longest listed name it starts with; other names
/// that merely start alike (<c>gpt-4o-audio-preview</c>) are not priced from the list.
/// Not modelled: Gemini's and Qwen's higher rates for long prompts (over 200K / 32K tokens), Anthropic's 1-hour
/// cache writes (2× input instead of 1.25×), DeepSeek's off-peak discounts — configure those models' prices when
/// such traffic matters.
/// </summary>
public static class BuiltInPrices
{
    private static PriceConfig P(decimal input, decimal output, decimal? cached = null, decimal? cacheWrite = null) =>
        new() { Input = input, Output = output, CachedInput = cached, CacheWrite = cacheWrite };

    public static readonly FrozenDictionary<string, PriceConfig> Table = new Dictionary<string, PriceConfig>(StringComparer.Ordinal)
    {
        // OpenAI (developers.openai.com/api/docs/pricing): prompt_tokens include cached_tokens, billed at the cached rate.
        ["gpt-5.4"] = P(2.50m, 15.00m, 0.25m),
        ["gpt-5.4-mini"] = P(0.75m, 4.50m, 0.075m),
        ["gpt-5.4-nano"] = P(0.20m, 1.25m, 0.02m),
        ["gpt-5"] = P(1.25m, 10.00m, 0.125m),
        ["gpt-5-mini"] = P(0.25m, 2.00m, 0.025m),
        ["gpt-5-nano"] = P(0.05m, 0.40m, 0.005m),
        ["gpt-4.1"] = P(2.00m, 8.00m, 0.50m),
        ["gpt-4.1-mini"] = P(0.40m, 1.60m, 0.10m),
        ["gpt-4.1-nano"] = P(0.10m, 0.40m, 0.025m),
        ["gpt-4o"] = P(2.50m, 10.00m, 1.25m),
        ["gpt-4o-mini"] = P(0.15m, 0.60m, 0.075m),
        ["o3"] = P(2.00m, 8.00m, 0.50m),
        ["o4-mini"] = P(1.10m, 4.40m, 0.275m),
        ["text-embedding-3-small"] = P(0.02m, 0m),
        ["text-embedding-3-large"] = P(0.13m, 0m),
        // Anthropic (platform.claude.com/docs/en/about-claude/pricing): 5-minute cache writes, cache hits.
        ["claude-opus-4-6"] = P(5m, 25m, 0.50m, 6.25m),
        ["claude-opus-4-5"] = P(5m, 25m, 0.50m, 6.25m),
        ["claude-opus-4-1"] = P(15m, 75m, 1.50m, 18.75m),
        ["claude-opus-4"] = P(15m, 75m, 1.50m, 18.75m),
        ["claude-sonnet-4-6"] = P(3m, 15m, 0.30m, 3.75m),
        ["claude-sonnet-4-5"] = P(3m, 15m, 0.30m, 3.75m),
        ["claude-sonnet-4"] = P(3m, 15m, 0.30m, 3.75m),
        ["claude-3-7-sonnet"] = P(3m, 15m, 0.30m, 3.75m),
        ["claude-haiku-4-5"] = P(1m, 5m, 0.10m, 1.25m),
        ["claude-3-5-haiku"] = P(0.80m, 4m, 0.08m, 1m),
        ["claude-3-haiku"] = P(0.25m, 1.25m, 0.03m, 0.30m),
        // Google Gemini (ai.google.dev/gemini-api/docs/pricing), prompts up to 200K tokens; thinking is output.
        ["gemini-2.5-pro"] = P(1.25m, 10.00m, 0.125m),
        ["gemini-2.5-flash"] = P(0.30m, 2.50m, 0.03m),
        ["gemini-2.5-flash-lite"] = P(0.10m, 0.40m, 0.01m),
        ["gemini-2.0-flash"] = P(0.10m, 0.40m, 0.025m),
        // DeepSeek (api-docs.deepseek.com/quick_start/pricing-details-usd): cache miss, cache hit, output.
        ["deepseek-chat"] = P(0.27m, 1.10m, 0.07m),
        ["deepseek-reasoner"] = P(0.55m, 2.19m, 0.14m),
        // Qwen on Alibaba Cloud Model Studio, international (Singapore), first context tier.
        ["qwen-max"] = P(1.60m, 6.40m),
        ["qwen-plus"] = P(0.40m, 1.20m),
        ["qwen-turbo"] = P(0.05m, 0.20m),
        ["qwen3-max"] = P(1.20m, 6.00m),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The listed price of <paramref name="model"/>, its dated snapshots included; null when not listed.</summary>
    public static (string Name, PriceConfig Price)? Find(string model)
    {
        if (Table.TryGetValue(model, out var exact))
        {
            return (model, exact);
        }
        (string, PriceConfig)? best = null;
        var bestLength = 0;
        foreach (var (name, price) in Table)
        {
            if (name.Length > bestLength && model.StartsWith(name, StringComparison.Ordinal) && IsSnapshotSuffix(model.AsSpan(name.Length)))
            {
                best = (name, price);
                bestLength = name.Length;
            }
        }
        return best;
    }

    /// <summary>True when <paramref name="model"/> is a dated snapshot of <paramref name="family"/> (<c>gpt-4o-2024-08-06</c> of <c>gpt-4o</c>).</summary>
    public static bool IsSnapshotOf(string model, string family) =>
        model.StartsWith(family, StringComparison.Ordinal) && IsSnapshotSuffix(model.AsSpan(family.Length));

    /// <summary><c>-2024-08-06</c>, <c>-20250929</c>, <c>-0613</c> or <c>-latest</c>: a snapshot of the same model, not another model.</summary>
    private static bool IsSnapshotSuffix(ReadOnlySpan<char> suffix)
    {
        if (suffix.Length < 2 || suffix[0] != '-')
        {
            return false;
        }
        if (suffix[1..] is "latest")
        {
            return true;
        }
        foreach (var c in suffix)
        {
            if (c != '-' && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
