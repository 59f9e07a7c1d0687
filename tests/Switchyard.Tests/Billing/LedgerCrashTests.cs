using Switchyard.Configuration;
using Switchyard.MockUpstream;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Billing;

/// <summary>
/// kill -9 under load, restart on the same database and journal: every request whose answer the client received
/// complete has exactly one ledger record (the write-ahead log makes it durable before the answer's last bytes), and
/// the only records beyond them belong to requests cut by the kill (their upstream call was made and is billable).
/// </summary>
public sealed class LedgerCrashTests : IAsyncLifetime
{
    private MockUpstreamServer _mock = null!;

    public async Task InitializeAsync() => _mock = await MockUpstreamServer.StartAsync(0, recordRequests: false);

    public async Task DisposeAsync() => await _mock.DisposeAsync();

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task KilledMidLoad_LedgerHoldsEveryAnsweredRequestOnce(DatabaseKind kind)
    {
        var database = await TestDatabases.CreateAsync(kind);
        var folder = Directory.CreateTempSubdirectory("switchyard-crash-").FullName;
        var journal = Path.Combine(folder, "journal");
        var config = Path.Combine(folder, "switchyard.yaml");
        await File.WriteAllTextAsync(config, LedgerLoad.Config(database, journal, _mock.BaseAddress, durability: "answer"));
        var load = new LedgerLoad();

        await using (var gateway = await GatewayProcess.StartAsync(config, folder))
        {
            using var stop = new CancellationTokenSource();
            var running = load.RunAsync(gateway.Client, workers: 16, TimeSpan.Zero, stop.Token);
            while (load.Answered.Count < 1500)
            {
                await Task.Delay(20);
            }
            // Hold the ledger table's write lock while more answers go out: the kill must find answered requests
            // that only the journal holds, or the restart would have nothing to replay (a writer that happened to
            // be caught up at the kill made this test fail now and then).
            await using (await HoldWriteLockAsync(database))
            {
                var answered = load.Answered.Count;
                var waited = System.Diagnostics.Stopwatch.StartNew();
                while (load.Answered.Count < answered + 100)
                {
                    Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "answers stopped while the ledger table was locked");
                    await Task.Delay(10);
                }
                await gateway.KillAsync();
            }
            await stop.CancelAsync();
            await running;
        }
        Assert.True(load.Failed > 0, "the kill should have cut requests in flight");
        var beforeRestart = (await LedgerLoad.LedgerAsync(database)).Ids;

        await using (var restarted = await GatewayProcess.StartAsync(config, folder))
        {
            var (ids, rollup) = await LedgerLoad.SettledLedgerAsync(database, journal, load.Answered.Count + load.Refused.Count, TimeSpan.FromSeconds(30));

            var missing = load.Answered.Keys.Where(id => !ids.Contains(id)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} of {load.Answered.Count} answered requests have no ledger record " +
                $"({beforeRestart.Count} records were in the database at the kill)");
            Assert.Empty(load.Refused);
            // Records beyond the answered ones: requests the kill cut after their record was made durable.
            Assert.InRange(ids.Count - load.Answered.Count, 0, load.Failed);
            Assert.Equal(ids.Count, rollup);
            Assert.True(beforeRestart.Count < ids.Count, "the restart should have replayed records the database did not have at the kill");

            // The restarted gateway serves and records on top, without counting anything twice.
            var more = new LedgerLoad();
            using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            await more.RunAsync(restarted.Client, workers: 4, TimeSpan.Zero, stop.Token);
            var (after, afterRollup) = await LedgerLoad.SettledLedgerAsync(database, journal, ids.Count + more.Answered.Count, TimeSpan.FromSeconds(10));
            Assert.Equal(0, more.Failed);
            Assert.Equal(ids.Count + more.Answered.Count, after.Count);
            Assert.Equal(after.Count, afterRollup);
        }
    }

    /// <summary>A transaction that keeps other connections from writing to usage_records until it is disposed.</summary>
    private static async Task<IAsyncDisposable> HoldWriteLockAsync(string database)
    {
        DatabaseLocation.TryParse(database, out var location, out _);
        var connection = await SqlDialect.For(location!).OpenAsync(CancellationToken.None);
        // Begun through the API so that disposing it rolls back: a raw BEGIN would go back to the pool still open.
        // SQLite's non-deferred transaction is BEGIN IMMEDIATE, which takes the write lock at once.
        var transaction = connection is Microsoft.Data.Sqlite.SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: false)
            : await connection.BeginTransactionAsync();
        if (location!.Kind == DatabaseKind.Postgres)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "LOCK TABLE usage_records IN SHARE MODE";
            await command.ExecuteNonQueryAsync();
        }
        return new WriteLock(connection, transaction);
    }

    private sealed class WriteLock(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
