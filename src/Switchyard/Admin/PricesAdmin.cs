using System.Globalization;
using System.Text.Json.Serialization;
using Dapper;
using Microsoft.AspNetCore.Http;
using Switchyard.Routing;
using Switchyard.Storage;

namespace Switchyard.Admin;

/// <summary>
/// <c>GET /admin/prices</c> (super admins): the price book in effect — each model's price per 1M tokens with its
/// source (config or built-in) and the version a request would be charged at, the groups' multipliers — and every
/// price version the ledger has charged at so far, with when it was first used.
/// </summary>
internal sealed class PricesAdmin(GatewayRuntime runtime, SqlDialect dialect)
{
    public async Task<IResult> ListAsync(HttpContext http)
    {
        var current = runtime.Prices.All().Select(p => new PriceView(p.Model, p.Source, p.Version, p.Price.Input, p.Price.Output,
            p.Price.CachedInput, p.Price.CacheWrite, p.Price.Reasoning, p.Price.PerRequest, p.Multiplier, null)).ToList();
        var multipliers = runtime.Config.Groups.Where(g => g.PriceMultiplier != 1m)
            .ToDictionary(g => g.Name, g => g.PriceMultiplier, StringComparer.Ordinal);
        await using var connection = await dialect.OpenAsync(http.RequestAborted);
        var rows = await connection.QueryAsync<PriceVersionRow>(new CommandDefinition(
            "SELECT version, model, input, output, cached_input, cache_write, reasoning, per_request, multiplier, source, first_used_at FROM price_versions ORDER BY model, first_used_at",
            cancellationToken: http.RequestAborted));
        var history = rows.Select(r => new PriceView(r.model, r.source, r.version, Parse(r.input)!.Value, Parse(r.output)!.Value, Parse(r.cached_input),
            Parse(r.cache_write), Parse(r.reasoning), Parse(r.per_request), Parse(r.multiplier)!.Value, DateTimeOffset.FromUnixTimeMilliseconds(r.first_used_at))).ToList();
        return Results.Json(new PriceBookView(current, multipliers, history), PricesJsonContext.Default.PriceBookView);
    }

    private static decimal? Parse(string? text) => text is null ? null : decimal.Parse(text, CultureInfo.InvariantCulture);

    private sealed class PriceVersionRow
    {
        public string version { get; set; } = "";
        public string model { get; set; } = "";
        public string input { get; set; } = "";
        public string output { get; set; } = "";
        public string? cached_input { get; set; }
        public string? cache_write { get; set; }
        public string? reasoning { get; set; }
        public string? per_request { get; set; }
        public string multiplier { get; set; } = "";
        public string source { get; set; } = "";
        public long first_used_at { get; set; }
    }
}

/// <summary>One price: USD per 1M tokens (per_request in USD per request); first_used_at only on stored versions.</summary>
internal sealed record PriceView(string Model, string Source, string Version, decimal Input, decimal Output, decimal? CachedInput, decimal? CacheWrite,
    decimal? Reasoning, decimal? PerRequest, decimal Multiplier, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? FirstUsedAt);

/// <summary>The effective prices (at multiplier 1), the groups' multipliers, and the versions the ledger has charged at.</summary>
internal sealed record PriceBookView(IReadOnlyList<PriceView> Data, IReadOnlyDictionary<string, decimal> GroupMultipliers, IReadOnlyList<PriceView> Versions);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PriceBookView))]
internal sealed partial class PricesJsonContext : JsonSerializerContext;
