using System.Text.Json;
using Dapper;
using Switchyard.Billing.Reconciliation;

namespace Switchyard.Storage;

/// <summary>Stored reconciliation reports, and the gateway's side of a comparison (from the daily rollups).</summary>
public sealed class ReconciliationStore(SqlDialect dialect)
{
    /// <summary>Per-model sums of one channel on one UTC day. Rollups outlive the request log (retention), so old days work too.</summary>
    public async Task<IReadOnlyList<GatewayUsage>> GatewayUsageAsync(string channel, DateOnly day, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(new CommandDefinition("""
            SELECT model, SUM(requests) AS requests, SUM(input_tokens) AS input_tokens, SUM(cached_tokens) AS cached_tokens,
                   SUM(output_tokens) AS output_tokens, SUM(cost_picousd) AS cost_picousd
            FROM usage_daily WHERE day = @day AND channel = @channel GROUP BY model
            """, new { day = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), channel }, cancellationToken: cancellationToken));
        return rows.Select(r => new GatewayUsage((string)r.model, Convert.ToInt64(r.requests), Convert.ToInt64(r.input_tokens),
            Convert.ToInt64(r.cached_tokens), Convert.ToInt64(r.output_tokens), LedgerStore.FromPico(Convert.ToDecimal(r.cost_picousd)))).ToList();
    }

    public async Task SaveAsync(ReconciliationReport report, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO reconciliation_reports (id, channel, day, created_at, source, verdict, tolerance, tolerance_usd, models)
            VALUES (@Id, @Channel, @Day, @CreatedAt, @Source, @Verdict, @Tolerance, @ToleranceUsd, @Models)
            """, new
        {
            report.Id,
            report.Channel,
            report.Day,
            CreatedAt = report.CreatedAt.ToUnixTimeMilliseconds(),
            report.Source,
            report.Verdict,
            report.Tolerance,
            report.ToleranceUsd,
            Models = JsonSerializer.Serialize((List<ModelReconciliation>)[.. report.Models ?? []], ReconciliationJson.Default.ListModelReconciliation),
        }, cancellationToken: cancellationToken));
    }

    /// <summary>Newest first, without the per-model rows.</summary>
    public async Task<IReadOnlyList<ReconciliationReport>> ListAsync(string? channel, string? day, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(new CommandDefinition("""
            SELECT id, channel, day, created_at, source, verdict, tolerance, tolerance_usd FROM reconciliation_reports
            WHERE (@channel IS NULL OR channel = @channel) AND (@day IS NULL OR day = @day)
            ORDER BY created_at DESC, id DESC LIMIT @limit
            """, new { channel, day, limit }, cancellationToken: cancellationToken));
        return rows.Select(r => (ReconciliationReport)ToReport(r, null)).ToList();
    }

    public async Task<ReconciliationReport?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync(new CommandDefinition(
            "SELECT * FROM reconciliation_reports WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row is null ? null : ToReport(row, JsonSerializer.Deserialize((string)row.models, ReconciliationJson.Default.ListModelReconciliation));
    }

    private static ReconciliationReport ToReport(dynamic row, IReadOnlyList<ModelReconciliation>? models) => new()
    {
        Id = (string)row.id,
        Channel = (string)row.channel,
        Day = (string)row.day,
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds((long)row.created_at),
        Source = (string)row.source,
        Verdict = (string)row.verdict,
        Tolerance = (string)row.tolerance,
        ToleranceUsd = (string)row.tolerance_usd,
        Models = models,
    };
}
