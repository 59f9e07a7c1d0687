using Dapper;
using Switchyard.Configuration;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Storage;

/// <summary>The shared claim that lets one of several instances send an alert, against real SQLite and PostgreSQL.</summary>
public sealed class AlertClaimTests
{
    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task A_claim_holds_for_min_interval_is_free_after_it_and_old_claims_are_pruned(DatabaseKind kind)
    {
        var dialect = await TestDatabases.CreateMigratedAsync(kind);
        var store = new AlertStore(dialect);
        var start = new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
        var interval = TimeSpan.FromMinutes(5);

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.TryClaimAsync("ops", "channel_down", "mock#0", start, interval, default)));
        Assert.Equal(1, claims.Count(c => c));
        Assert.True(await store.TryClaimAsync("ops", "channel_down", "mock#1", start, interval, default));
        Assert.True(await store.TryClaimAsync("billing", "channel_down", "mock#0", start, interval, default));
        Assert.False(await store.TryClaimAsync("ops", "channel_down", "mock#0", start + interval - TimeSpan.FromSeconds(1), interval, default));
        Assert.True(await store.TryClaimAsync("ops", "channel_down", "mock#0", start + interval, interval, default));

        Assert.Equal(2, await store.PruneClaimsAsync(start + TimeSpan.FromSeconds(1), default));
        await using var connection = await dialect.OpenAsync(default);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM alert_claims"));
    }
}
