using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Switchyard.Configuration;
using Switchyard.Contracts;

namespace Switchyard.Pricing;

/// <summary>
/// The price one request is charged at: the model's prices (USD per 1M tokens, plus an optional per-request
/// amount) and the group's multiplier. <see cref="Version"/> names exactly these numbers, so a ledger record that
/// keeps it says forever what it was charged at, and a price change (config reload) is a new version.
/// </summary>
public sealed record ModelPrice(string Model, PriceConfig Price, decimal Multiplier, string Source)
{
    public string Version { get; } = VersionOf(Model, Price, Multiplier);

    /// <summary>
    /// Exact cost in USD: token costs by each token kind's price, plus the per-request price, times the group's
    /// multiplier. Decimal arithmetic throughout; nothing is rounded here (the ledger keeps 10⁻¹² USD).
    /// </summary>
    public decimal Cost(TokenUsage usage) => (PriceBook.Cost(Price, usage) + (Price.PerRequest ?? 0m)) * Multiplier;

    /// <summary>"pv_" and 16 hex digits of SHA-256 over the model and its normalised numbers: the same on every instance.</summary>
    public static string VersionOf(string model, PriceConfig price, decimal multiplier)
    {
        var text = string.Join('|', model, Text(price.Input), Text(price.Output), Text(price.CachedInput), Text(price.CacheWrite),
            Text(price.Reasoning), Text(price.PerRequest), Text(multiplier));
        return "pv_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    /// <summary>2.5 and 2.50 are the same price: trailing zeros do not make a new version.</summary>
    private static string Text(decimal? value) =>
        value is { } v ? v.ToString("0.############################", CultureInfo.InvariantCulture) : "-";
}
