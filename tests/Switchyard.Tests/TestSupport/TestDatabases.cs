using Npgsql;
using Switchyard.Configuration;
using Switchyard.Storage;

namespace Switchyard.Tests.TestSupport;

/// <summary>
/// Fresh, isolated databases for tests: a new SQLite file, or a new schema in the PostgreSQL server that
/// scripts/test starts (its URL in SWITCHYARD_TEST_POSTGRES). No mocks: storage tests run on the real engines.
/// </summary>
public static class TestDatabases
{
    public static readonly TheoryData<DatabaseKind> Both = new() { DatabaseKind.Sqlite, DatabaseKind.Postgres };

    public static async Task<string> CreateAsync(DatabaseKind kind)
    {
        if (kind == DatabaseKind.Sqlite)
        {
            var folder = Directory.CreateTempSubdirectory("switchyard-test-");
            return "sqlite:" + Path.Combine(folder.FullName, "switchyard.db");
        }
        var server = Environment.GetEnvironmentVariable("SWITCHYARD_TEST_POSTGRES");
        if (string.IsNullOrEmpty(server))
        {
            throw new InvalidOperationException(
                "SWITCHYARD_TEST_POSTGRES is not set: run the tests with scripts/test, which starts PostgreSQL on loopback.");
        }
        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        DatabaseLocation.TryParse(server, out var location, out _);
        await using (var connection = new NpgsqlConnection(location!.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return $"{server}?search_path={schema}";
    }

    public static async Task<SqlDialect> CreateDialectAsync(DatabaseKind kind)
    {
        var url = await CreateAsync(kind);
        DatabaseLocation.TryParse(url, out var location, out var error);
        return SqlDialect.For(location ?? throw new InvalidOperationException(error));
    }

    public static async Task<SqlDialect> CreateMigratedAsync(DatabaseKind kind)
    {
        var dialect = await CreateDialectAsync(kind);
        await new Migrator(dialect, TimeProvider.System).MigrateAsync(CancellationToken.None);
        return dialect;
    }
}
