using Switchyard.MockUpstream;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Billing;

/// <summary>
/// PostgreSQL stops for 30 s under load (a server of the test's own, never the shared one): the gateway keeps
/// answering, the records go to the local journal, and once the database is back every request has exactly one record.
/// </summary>
public sealed class LedgerOutageTests : IAsyncLifetime
{
    private MockUpstreamServer _mock = null!;
    private ThrowawayPostgres _postgres = null!;

    public async Task InitializeAsync()
    {
        _mock = await MockUpstreamServer.StartAsync(0, recordRequests: false);
        _postgres = await ThrowawayPostgres.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _postgres.DisposeAsync();
        await _mock.DisposeAsync();
    }

    [Fact]
    public async Task PostgresDownFor30Seconds_RequestsServedAndNoRecordLostOrDoubled()
    {
        var folder = Directory.CreateTempSubdirectory("switchyard-outage-").FullName;
        var journal = Path.Combine(folder, "journal");
        var config = Path.Combine(folder, "switchyard.yaml");
        await File.WriteAllTextAsync(config, LedgerLoad.Config(_postgres.Url, journal, _mock.BaseAddress, durability: "batch"));
        var load = new LedgerLoad();

        await using var gateway = await GatewayProcess.StartAsync(config, folder);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(gateway.Client, workers: 8, TimeSpan.FromMilliseconds(5), stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await _postgres.StopServerAsync();
        var down = load.Now;
        var answeredBefore = load.Answered.Count;
        await Task.Delay(TimeSpan.FromSeconds(30));
        var answeredDuring = load.Answered.Count - answeredBefore;
        var spilled = Directory.GetFiles(journal, "ledger-*.jsonl").Length;
        await _postgres.StartServerAsync();
        var up = load.Now;
        await Task.Delay(TimeSpan.FromSeconds(3));
        await stop.CancelAsync();
        await running;

        Assert.Equal(0, load.Failed);
        Assert.Empty(load.Refused);
        Assert.True(answeredDuring > 1000, $"only {answeredDuring} requests were answered while PostgreSQL was down");
        // Load kept flowing through the whole outage, not only at its edges.
        Assert.True(load.Answered.Values.Any(at => at > down + 25 && at < up), "no request was answered late in the outage");
        Assert.True(spilled > 0, "records should have gone to the local journal while PostgreSQL was down");

        var (ids, rollup) = await LedgerLoad.SettledLedgerAsync(_postgres.Url, journal, load.Answered.Count, TimeSpan.FromSeconds(40));
        Assert.Equal(load.Answered.Count, ids.Count);
        Assert.True(load.Answered.Keys.All(ids.Contains), "an answered request has no ledger record");
        Assert.Equal(ids.Count, rollup);
    }
}
