using Dapper;

namespace Switchyard.Storage;

public enum UsageGrouping
{
    Key,
    User,
    Group,
    Model,
    Channel,
    Day,
    Month,
}

public sealed record UsageRow(string? Key, long Requests, long InputTokens, long OutputTokens, long CachedTokens,
    long CacheWriteTokens, long ReasoningTokens, decimal CostUsd);

/// <summary>Sums of the ledger by one dimension over a time range.</summary>
public sealed class UsageReport(SqlDialect dialect)
{
    public async Task<IReadOnlyList<UsageRow>> QueryAsync(UsageGrouping grouping, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var dimension = grouping switch
        {
            UsageGrouping.Key => "key_name",
            UsageGrouping.User => "user_name",
            UsageGrouping.Group => "group_name",
            UsageGrouping.Model => "COALESCE(served_model, requested_model)",
            UsageGrouping.Channel => "channel",
            UsageGrouping.Day => dialect.DayOf("created_at"),
            UsageGrouping.Month => dialect.MonthOf("created_at"),
            _ => throw new ArgumentOutOfRangeException(nameof(grouping)),
        };
        var sql = $"""
            SELECT {dimension} AS dimension, COUNT(*) AS requests,
                   COALESCE(SUM(input_tokens), 0) AS input_tokens, COALESCE(SUM(output_tokens), 0) AS output_tokens,
                   COALESCE(SUM(cached_tokens), 0) AS cached_tokens, COALESCE(SUM(cache_write_tokens), 0) AS cache_write_tokens,
                   COALESCE(SUM(reasoning_tokens), 0) AS reasoning_tokens, COALESCE(SUM(cost_picousd), 0) AS cost_picousd
            FROM usage_records
            WHERE created_at >= @from AND created_at < @to
            GROUP BY {dimension}
            ORDER BY {dimension}
            """;
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(new CommandDefinition(sql, new
        {
            from = from?.ToUnixTimeMilliseconds() ?? long.MinValue,
            to = to?.ToUnixTimeMilliseconds() ?? long.MaxValue,
        }, cancellationToken: cancellationToken));
        return rows.Select(r => new UsageRow(
            (string?)r.dimension,
            Convert.ToInt64(r.requests),
            Convert.ToInt64(r.input_tokens),
            Convert.ToInt64(r.output_tokens),
            Convert.ToInt64(r.cached_tokens),
            Convert.ToInt64(r.cache_write_tokens),
            Convert.ToInt64(r.reasoning_tokens),
            LedgerStore.FromPico(Convert.ToDecimal(r.cost_picousd)))).ToList();
    }
}
