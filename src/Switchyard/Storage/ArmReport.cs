using Dapper;

namespace Switchyard.Storage;

/// <summary>One routing rule's arm (or a plain rule, with a null arm) over a time range.</summary>
public sealed record ArmRow(string Route, string? Arm, long Requests, long Errors, long InputTokens, long OutputTokens, decimal CostUsd,
    long? LatencyP50Ms, long? LatencyP95Ms, long? TtftP50Ms, long? TtftP95Ms);

/// <summary>
/// Per-arm figures for A/B splits (<c>GET /admin/usage?group_by=arm</c>): sums from the request records (the daily
/// rollups do not keep the rule), and latency and time-to-first-token percentiles over the newest
/// <see cref="PercentileSample"/> records of each arm's range.
/// </summary>
public sealed class ArmReport(SqlDialect dialect)
{
    public const int PercentileSample = 100_000;

    public async Task<IReadOnlyList<ArmRow>> QueryAsync(DateTimeOffset? from, DateTimeOffset? to, string? group, string? user, CancellationToken cancellationToken)
    {
        var conditions = "route IS NOT NULL AND created_at >= @from AND created_at < @to"
            + (group is null ? "" : " AND group_name = @group") + (user is null ? "" : " AND user_name = @user");
        var args = new { from = from?.ToUnixTimeMilliseconds() ?? long.MinValue, to = to?.ToUnixTimeMilliseconds() ?? long.MaxValue, group, user };
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var sums = (await connection.QueryAsync(new CommandDefinition($"""
            SELECT route, arm, COUNT(*) AS requests, COALESCE(SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END), 0) AS errors,
                COALESCE(SUM(input_tokens), 0) AS input_tokens, COALESCE(SUM(output_tokens), 0) AS output_tokens, COALESCE(SUM(cost_picousd), 0) AS cost_picousd
            FROM usage_records WHERE {conditions} GROUP BY route, arm
            """, args, cancellationToken: cancellationToken))).ToList();
        var latencies = new Dictionary<(string, string?), (List<long> Latency, List<long> Ttft)>();
        foreach (var row in await connection.QueryAsync(new CommandDefinition($"""
            SELECT route, arm, latency_ms, ttfb_ms FROM usage_records WHERE {conditions} ORDER BY created_at DESC LIMIT {PercentileSample}
            """, args, cancellationToken: cancellationToken)))
        {
            var key = ((string)row.route, (string?)row.arm);
            if (!latencies.TryGetValue(key, out var lists))
            {
                latencies[key] = lists = ([], []);
            }
            lists.Latency.Add(Convert.ToInt64(row.latency_ms));
            if (row.ttfb_ms is not null)
            {
                lists.Ttft.Add(Convert.ToInt64(row.ttfb_ms));
            }
        }
        return sums.Select(r =>
        {
            var key = ((string)r.route, (string?)r.arm);
            var (latency, ttft) = latencies.TryGetValue(key, out var found) ? found : ([], []);
            return new ArmRow(key.Item1, key.Item2, Convert.ToInt64(r.requests), Convert.ToInt64(r.errors), Convert.ToInt64(r.input_tokens),
                Convert.ToInt64(r.output_tokens), LedgerStore.FromPico(Convert.ToInt64(r.cost_picousd)),
                Percentile(latency, 50), Percentile(latency, 95), Percentile(ttft, 50), Percentile(ttft, 95));
        }).OrderBy(r => r.Route, StringComparer.Ordinal).ThenBy(r => r.Arm, StringComparer.Ordinal).ToList();
    }

    /// <summary>Nearest rank: the smallest value with at least <paramref name="percent"/> % of the values at or below it.</summary>
    public static long? Percentile(List<long> values, int percent)
    {
        if (values.Count == 0)
        {
            return null;
        }
        values.Sort();
        var rank = (int)Math.Ceiling(percent / 100.0 * values.Count);
        return values[Math.Clamp(rank - 1, 0, values.Count - 1)];
    }
}
