using Dapper;
using Switchyard.Configuration;
using Switchyard.Storage;
using Switchyard.Tenancy;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Storage;

/// <summary>One-time reset tokens on real SQLite and PostgreSQL: once only, the newest only, never after expiry, never stored.</summary>
public sealed class PasswordResetStoreTests
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task Redeem_WorksOnce_OnlyTheNewest_OnlyBeforeExpiry(DatabaseKind kind)
    {
        var dialect = await TestDatabases.CreateMigratedAsync(kind);
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var resets = new PasswordResets(new PasswordResetStore(dialect), time);

        var first = await resets.IssueAsync("alice", Day, default);
        Assert.StartsWith(PasswordResets.TokenPrefix, first.Token);
        Assert.Equal(time.GetUtcNow() + Day, first.ExpiresAt);
        Assert.Equal("/ui/#/reset?token=" + first.Token, first.Path);
        Assert.Equal("https://gw.example.com/ui/#/reset?token=" + first.Token, first.LinkUnder("https://gw.example.com/"));

        time.Advance(TimeSpan.FromMinutes(1));
        var second = await resets.IssueAsync("alice", Day, default);
        var bob = await resets.IssueAsync("bob", Day, default);
        Assert.Null(await resets.RedeemAsync(first.Token, default));
        var redeemed = await resets.RedeemAsync(second.Token, default);
        Assert.Equal(("alice", time.GetUtcNow()), redeemed);
        Assert.Null(await resets.RedeemAsync(second.Token, default));
        Assert.Null(await resets.RedeemAsync(PasswordResets.TokenPrefix + "not-issued", default));
        Assert.Null(await resets.RedeemAsync("", default));
        Assert.Null(await resets.RedeemAsync(new string('x', 10_000), default));

        time.Advance(Day);
        Assert.Null(await resets.RedeemAsync(bob.Token, default));

        // Only hashes are stored.
        await using var connection = await dialect.OpenAsync(default);
        var hashes = (await connection.QueryAsync<string>("SELECT token_hash FROM password_resets")).ToList();
        Assert.NotEmpty(hashes);
        Assert.DoesNotContain(hashes, h => h.Contains(second.Token, StringComparison.Ordinal) || h.Contains(bob.Token, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task Redeem_InParallel_SucceedsOnce(DatabaseKind kind)
    {
        var dialect = await TestDatabases.CreateMigratedAsync(kind);
        var resets = new PasswordResets(new PasswordResetStore(dialect), TimeProvider.System);
        var ticket = await resets.IssueAsync("alice", Day, default);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => resets.RedeemAsync(ticket.Token, default)));

        Assert.Single(results, r => r is not null);
    }
}
