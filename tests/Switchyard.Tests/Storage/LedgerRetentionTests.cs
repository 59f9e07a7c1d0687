using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Billing;
using Switchyard.Configuration;
using Switchyard.Contracts;
using Switchyard.Routing;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Storage;

public sealed class LedgerRetentionTests
{
    private static UsageRecord Record(string id, DateTimeOffset at) => new()
    {
        RequestId = id,
        CreatedAt = at,
        Endpoint = "chat.completions",
        KeyName = "k",
        Channel = "c",
        ServedModel = "m",
        Status = 200,
        Usage = new TokenUsage(10, 2, 0, 0, 0),
        CostUsd = 0.001m,
        LatencyMs = 1,
    };

    private static LedgerRetention Retention(SqlDialect dialect, TimeProvider time, int requestDays = 30, int rollupDays = 730) =>
        new(new GatewayRuntime(new GatewayConfig { Retention = new RetentionConfig { RequestDays = requestDays, RollupDays = rollupDays } }, time),
            new LedgerRetentionStore(dialect), time, NullLogger<LedgerRetention>.Instance);

    private static async Task<long> CountAsync(SqlDialect dialect, string sql)
    {
        await using var connection = await dialect.OpenAsync(default);
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task OldDetailDropped_InBatches_RollupsKeptUntilTheirOwnRetention(DatabaseKind kind)
    {
        var dialect = await TestDatabases.CreateMigratedAsync(kind);
        var now = new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);
        var time = new ManualTimeProvider(now);
        await new LedgerRetentionStore(dialect).EnsurePartitionsAsync(now, default);
        var store = new LedgerStore(dialect);
        // Expired rows in the month that is only partly expired (so deleted by row on PostgreSQL too): more than two
        // batches of them, and a few rows one minute short of expiring.
        var old = now.AddDays(-30).AddHours(-3);
        foreach (var chunk in Enumerable.Range(0, LedgerRetentionStore.BatchSize * 2 + 123).Chunk(2000))
        {
            await store.InsertAsync(chunk.Select(i => Record($"old_{i}", old.AddSeconds(i % 3600))).ToList(), default);
        }
        await store.InsertAsync(Enumerable.Range(0, 5).Select(i => Record($"recent_{i}", now.AddDays(-30).AddMinutes(1))).ToList(), default);
        var report = new UsageReport(dialect);
        var before = await report.QueryAsync(UsageGrouping.Day, null, null, default);

        var outcome = await Retention(dialect, time).RunAsync(default);

        Assert.Equal((LedgerRetentionStore.BatchSize * 2 + 123L, 0), (outcome.RecordsDeleted, outcome.PartitionsDropped));
        Assert.Equal(5, await CountAsync(dialect, "SELECT COUNT(*) FROM usage_records"));
        // The day report reads the rollups: unchanged although the detail is gone.
        Assert.Equal(before, await report.QueryAsync(UsageGrouping.Day, null, null, default));

        time.Advance(TimeSpan.FromDays(730));
        var later = await Retention(dialect, time).RunAsync(default);

        Assert.Equal(1, later.RollupsDeleted);
        Assert.Empty(await report.QueryAsync(UsageGrouping.Day, null, null, default));
    }

    [Fact]
    public async Task Postgres_ExpiredMonthsDroppedAsPartitions_PartlyExpiredMonthDeletedByRow()
    {
        var dialect = await TestDatabases.CreateMigratedAsync(DatabaseKind.Postgres);
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 8, 15, 0, 0, 0, TimeSpan.Zero));
        var partitions = new LedgerRetentionStore(dialect);
        await partitions.EnsurePartitionsAsync(time.GetUtcNow(), default);   // July to October 2026
        var store = new LedgerStore(dialect);
        await store.InsertAsync(
        [
            Record("july", new DateTimeOffset(2026, 7, 20, 0, 0, 0, TimeSpan.Zero)),
            Record("august", new DateTimeOffset(2026, 8, 10, 0, 0, 0, TimeSpan.Zero)),
            Record("september_early", new DateTimeOffset(2026, 9, 2, 0, 0, 0, TimeSpan.Zero)),
            Record("september_late", new DateTimeOffset(2026, 9, 28, 0, 0, 0, TimeSpan.Zero)),
        ], default);
        Assert.Equal(0, await CountAsync(dialect, "SELECT COUNT(*) FROM usage_records_default"));

        time.Advance(TimeSpan.FromDays(66));                                   // 2026-10-20: cutoff 2026-09-20
        var outcome = await Retention(dialect, time).RunAsync(default);

        Assert.Equal((2, 1L), (outcome.PartitionsDropped, outcome.RecordsDeleted));
        Assert.Equal(0, await CountAsync(dialect, "SELECT COUNT(*) FROM pg_class WHERE relname IN ('usage_records_202607', 'usage_records_202608') AND relnamespace = current_schema()::regnamespace"));
        Assert.Equal(1, await CountAsync(dialect, "SELECT COUNT(*) FROM usage_records_202609"));
        Assert.Equal(4, (await new UsageReport(dialect).QueryAsync(UsageGrouping.Key, null, null, default)).Single().Requests);
    }
}
