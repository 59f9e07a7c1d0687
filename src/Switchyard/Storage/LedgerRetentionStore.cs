using System.Globalization;
using Dapper;
using Switchyard.Configuration;

namespace Switchyard.Storage;

/// <summary>
/// Deletes ledger detail older than its retention. PostgreSQL: whole monthly partitions of <c>usage_records</c> that
/// lie entirely before the cutoff are dropped (no row-by-row delete, no table bloat), and the rest — rows of the
/// partly expired month and of the default partition — go in bounded batches. SQLite: bounded batches only, each
/// its own short transaction, so the writer is never blocked for long.
/// </summary>
public sealed class LedgerRetentionStore(SqlDialect dialect)
{
    public const int BatchSize = 5000;

    public sealed record Outcome(long RecordsDeleted, int PartitionsDropped, long RollupsDeleted)
    {
        /// <summary>Stored prompt/completion bodies deleted with the request detail.</summary>
        public long BodiesDeleted { get; init; }
    }

    public async Task<Outcome> PurgeAsync(DateTimeOffset requestCutoff, DateTimeOffset rollupCutoff, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var dropped = 0;
        if (dialect.Kind == DatabaseKind.Postgres)
        {
            foreach (var (name, upper) in await PartitionsAsync(connection, cancellationToken))
            {
                if (upper <= requestCutoff.ToUnixTimeMilliseconds())
                {
                    await connection.ExecuteAsync(new CommandDefinition($"DROP TABLE {name}", cancellationToken: cancellationToken));
                    dropped++;
                }
            }
        }
        var batch = dialect.Kind == DatabaseKind.Postgres
            ? "DELETE FROM usage_records WHERE ctid IN (SELECT ctid FROM usage_records WHERE created_at < @cutoff LIMIT @limit)"
            : "DELETE FROM usage_records WHERE rowid IN (SELECT rowid FROM usage_records WHERE created_at < @cutoff LIMIT @limit)";
        long deleted = 0;
        while (true)
        {
            var count = await connection.ExecuteAsync(new CommandDefinition(batch,
                new { cutoff = requestCutoff.ToUnixTimeMilliseconds(), limit = BatchSize }, cancellationToken: cancellationToken));
            deleted += count;
            if (count < BatchSize)
            {
                break;
            }
        }
        var rollups = await connection.ExecuteAsync(new CommandDefinition("DELETE FROM usage_daily WHERE day < @day",
            new { day = Billing.LedgerDays.Format(rollupCutoff) }, cancellationToken: cancellationToken));
        return new Outcome(deleted, dropped, rollups) { BodiesDeleted = await PurgeBodiesAsync(connection, requestCutoff, cancellationToken) };
    }

    /// <summary>Bodies follow the request detail's retention, in bounded batches on both engines (few groups store them).</summary>
    private static async Task<long> PurgeBodiesAsync(System.Data.Common.DbConnection connection, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        long deleted = 0;
        while (true)
        {
            var count = await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM request_bodies WHERE request_id IN (SELECT request_id FROM request_bodies WHERE created_at < @cutoff LIMIT @limit)",
                new { cutoff = cutoff.ToUnixTimeMilliseconds(), limit = BatchSize }, cancellationToken: cancellationToken));
            deleted += count;
            if (count < BatchSize)
            {
                return deleted;
            }
        }
    }

    /// <summary>
    /// PostgreSQL: makes sure the monthly partitions from last month to two months ahead exist, so new records never
    /// land in the default partition (from which a month's partition could no longer be split off).
    /// </summary>
    public async Task EnsurePartitionsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (dialect.Kind != DatabaseKind.Postgres)
        {
            return;
        }
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var existing = (await PartitionsAsync(connection, cancellationToken)).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-1);
        for (var i = 0; i < 4; i++, month = month.AddMonths(1))
        {
            var name = PartitionName(month);
            if (existing.Contains(name))
            {
                continue;
            }
            var sql = string.Create(CultureInfo.InvariantCulture,
                $"CREATE TABLE IF NOT EXISTS {name} PARTITION OF usage_records FOR VALUES FROM ({month.ToUnixTimeMilliseconds()}) TO ({month.AddMonths(1).ToUnixTimeMilliseconds()})");
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(sql, cancellationToken: cancellationToken));
            }
            catch (Npgsql.PostgresException e) when (e.SqlState is "23514" or "42P07")
            {
                // Rows of that month already sit in the default partition (23514), or another instance made it (42P07):
                // either way the month stays covered, and retention deletes its rows in batches.
            }
        }
    }

    public static string PartitionName(DateTimeOffset month) =>
        string.Create(CultureInfo.InvariantCulture, $"usage_records_{month.Year:D4}{month.Month:D2}");

    /// <summary>Monthly partitions (the default one excluded) with their exclusive upper bounds in unix milliseconds.</summary>
    private static async Task<IReadOnlyList<(string Name, long Upper)>> PartitionsAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<(string, string)>(new CommandDefinition("""
            SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
            WHERE p.oid = 'usage_records'::regclass
            """, cancellationToken: cancellationToken));
        var partitions = new List<(string, long)>();
        foreach (var (name, bound) in rows)
        {
            // "FOR VALUES FROM ('1761955200000') TO ('1764547200000')"; the default partition says "DEFAULT".
            var to = bound.LastIndexOf("TO (", StringComparison.Ordinal);
            if (to >= 0 && long.TryParse(bound[(to + 4)..].Trim('(', ')', '\'', ' '), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var upper))
            {
                partitions.Add((name, upper));
            }
        }
        return partitions;
    }
}
