using Dapper;
using Switchyard.Configuration;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Storage;

public sealed class MigratorTests
{
    [Fact]
    public void Load_BothDatabases_HaveTheSameVersions()
    {
        var sqlite = Migrator.Load("sqlite").Select(m => (m.Version, m.Name));
        var postgres = Migrator.Load("postgres").Select(m => (m.Version, m.Name));

        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite, postgres);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task MigrateAsync_SecondRun_AppliesNothing(DatabaseKind kind)
    {
        var dialect = await TestDatabases.CreateDialectAsync(kind);
        var migrator = new Migrator(dialect, TimeProvider.System);

        var first = await migrator.MigrateAsync(default);
        var second = await migrator.MigrateAsync(default);

        Assert.Equal(Migrator.Load(dialect.MigrationFolder).Select(m => m.Version), first);
        Assert.Empty(second);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task MigrateAsync_InstancesStartingAtOnce_ApplyEachVersionOnce(DatabaseKind kind)
    {
        var url = await TestDatabases.CreateAsync(kind);
        DatabaseLocation.TryParse(url, out var location, out _);
        // Separate dialects stand for separate processes, each with its own connection pool.
        var runs = Enumerable.Range(0, 6)
            .Select(_ => Task.Run(() => new Migrator(SqlDialect.For(location!), TimeProvider.System).MigrateAsync(default)))
            .ToList();

        var applied = await Task.WhenAll(runs);

        Assert.Equal(Migrator.Load(SqlDialect.For(location!).MigrationFolder).Select(m => m.Version), applied.SelectMany(a => a).Order());
        await using var connection = await SqlDialect.For(location!).OpenAsync(default);
        Assert.Equal(applied.SelectMany(a => a).Count(), await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"));
    }
}
