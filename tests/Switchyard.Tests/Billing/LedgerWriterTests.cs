using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Billing;
using Switchyard.Configuration;
using Switchyard.Contracts;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Billing;

public sealed class LedgerWriterTests
{
    private static UsageRecord Record(int i) => new()
    {
        RequestId = $"req_{i:D4}",
        CreatedAt = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero).AddSeconds(i),
        Endpoint = "chat.completions",
        KeyName = "k",
        Status = 200,
        Usage = new TokenUsage(10, i, 0, 0, 0),
        CostUsd = 0.000001m * i,
        LatencyMs = 5,
    };

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task Writer_WritesEveryRecordOnce(DatabaseKind kind)
    {
        var dialect = await TestDatabases.CreateMigratedAsync(kind);
        var store = new LedgerStore(dialect);
        var writer = new LedgerWriter(store, new LedgerJournal(Directory.CreateTempSubdirectory().FullName), TimeProvider.System, NullLogger<LedgerWriter>.Instance);
        await writer.StartAsync(default);

        await Parallel.ForAsync(0, 1000, (i, _) => { writer.Enqueue(Record(i)); return ValueTask.CompletedTask; });
        await writer.FlushAsync(default);
        await writer.StopAsync(default);

        var rows = await new UsageReport(dialect).QueryAsync(UsageGrouping.Key, null, null, default);
        Assert.Equal(1000, Assert.Single(rows).Requests);
        Assert.Equal(Enumerable.Range(0, 1000).Sum(i => 0.000001m * i), rows[0].CostUsd);
    }

    [Fact]
    public async Task DatabaseDown_RecordsGoToJournalAndAreReplayedExactlyOnce()
    {
        // A PostgreSQL address where nothing listens stands for a database outage.
        DatabaseLocation.TryParse("postgres://u:p@127.0.0.1:9/none?timeout=1", out var down, out _);
        var journalFolder = Directory.CreateTempSubdirectory().FullName;
        var outage = new LedgerWriter(new LedgerStore(SqlDialect.For(down!)), new LedgerJournal(journalFolder), TimeProvider.System, NullLogger<LedgerWriter>.Instance);
        await outage.StartAsync(default);
        for (var i = 0; i < 50; i++)
        {
            outage.Enqueue(Record(i));
        }
        await outage.FlushAsync(default);
        await outage.StopAsync(default);

        var journaled = new LedgerJournal(journalFolder).PendingFiles();
        Assert.NotEmpty(journaled);
        Assert.Equal(50, (await Task.WhenAll(journaled.Select(f => LedgerJournal.ReadAsync(f, default)))).Sum(r => r.Count));

        // The database is back (a fresh one here); one record already made it there before the outage.
        var dialect = await TestDatabases.CreateMigratedAsync(DatabaseKind.Sqlite);
        await new LedgerStore(dialect).InsertAsync([Record(7)], default);
        var recovered = new LedgerWriter(new LedgerStore(dialect), new LedgerJournal(journalFolder), TimeProvider.System, NullLogger<LedgerWriter>.Instance);
        await recovered.StartAsync(default);
        for (var waited = 0; new LedgerJournal(journalFolder).PendingFiles().Count > 0 && waited < 200; waited++)
        {
            await Task.Delay(50);
        }
        await recovered.StopAsync(default);

        var row = Assert.Single(await new UsageReport(dialect).QueryAsync(UsageGrouping.Key, null, null, default));
        Assert.Equal(50, row.Requests);
        Assert.Equal(Enumerable.Range(0, 50).Sum(i => (long)i), row.OutputTokens);
        Assert.Empty(new LedgerJournal(journalFolder).PendingFiles());
    }
}
