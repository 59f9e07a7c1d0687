using System.Globalization;
using Switchyard.Configuration;
using Switchyard.Pricing;

namespace Switchyard.Billing.Reconciliation;

/// <summary>
/// Puts the gateway's per-model sums beside the upstream's. A model agrees when its input tokens, output tokens and
/// (where the export has one) cost each differ by at most <c>tolerance</c> of the larger side — or, for cost, by at
/// most <c>tolerance_usd</c>. A model on one side only disagrees. Upstreams name dated snapshots
/// (<c>gpt-4o-2024-08-06</c>) where the gateway sent <c>gpt-4o</c>; those count as the gateway's model.
/// </summary>
internal static class Reconciler
{
    public static IReadOnlyList<ModelReconciliation> Compare(IReadOnlyList<UpstreamUsage> upstream, IReadOnlyList<GatewayUsage> gateway, ReconciliationConfig tolerance)
    {
        var gatewayModels = gateway.ToDictionary(g => g.Model, StringComparer.Ordinal);
        var upstreamByModel = new Dictionary<string, UpstreamUsage>(StringComparer.Ordinal);
        foreach (var row in upstream)
        {
            var model = gatewayModels.ContainsKey(row.Model) ? row.Model
                : gatewayModels.Keys.Where(g => BuiltInPrices.IsSnapshotOf(row.Model, g)).MaxBy(g => g.Length) ?? row.Model;
            upstreamByModel[model] = upstreamByModel.TryGetValue(model, out var sum)
                ? new UpstreamUsage(model, sum.Requests + row.Requests, sum.InputTokens + row.InputTokens, sum.CachedTokens + row.CachedTokens,
                    sum.CacheWriteTokens + row.CacheWriteTokens, sum.OutputTokens + row.OutputTokens, sum.CostUsd + row.CostUsd)
                : row with { Model = model };
        }
        return gatewayModels.Keys.Union(upstreamByModel.Keys).Order(StringComparer.Ordinal).Select(model =>
        {
            var ours = gatewayModels.GetValueOrDefault(model);
            var theirs = upstreamByModel.GetValueOrDefault(model);
            var inputDiff = (ours?.InputTokens ?? 0) - (theirs?.InputTokens ?? 0);
            var outputDiff = (ours?.OutputTokens ?? 0) - (theirs?.OutputTokens ?? 0);
            decimal? costDiff = theirs?.CostUsd is { } theirCost ? (ours?.CostUsd ?? 0m) - theirCost : null;
            var agrees = ours is not null && theirs is not null
                && Within(ours.InputTokens, theirs.InputTokens, tolerance.Tolerance)
                && Within(ours.OutputTokens, theirs.OutputTokens, tolerance.Tolerance)
                && (theirs.CostUsd is not { } cost || Math.Abs(ours.CostUsd - cost) <= tolerance.ToleranceUsd
                    || Within(ours.CostUsd, cost, tolerance.Tolerance));
            var verdict = agrees ? "match" : ours is null ? "missing_in_gateway" : theirs is null ? "missing_upstream" : "mismatch";
            return new ModelReconciliation(model, verdict,
                ours is null ? null : new UsageFigures(ours.Requests, ours.InputTokens, ours.CachedTokens, ours.OutputTokens, Usd(ours.CostUsd)),
                theirs is null ? null : new UsageFigures(theirs.Requests, theirs.InputTokens, theirs.CachedTokens, theirs.OutputTokens, theirs.CostUsd is { } c ? Usd(c) : null),
                inputDiff, outputDiff, costDiff is { } d ? Usd(d) : null);
        }).ToList();
    }

    private static bool Within(decimal ours, decimal theirs, decimal tolerance) =>
        Math.Abs(ours - theirs) <= tolerance * Math.Max(Math.Abs(ours), Math.Abs(theirs));

    public static string Usd(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);
}

/// <summary>The gateway's sums for one model on one channel and day (from the daily rollups).</summary>
public sealed record GatewayUsage(string Model, long Requests, long InputTokens, long CachedTokens, long OutputTokens, decimal CostUsd);
