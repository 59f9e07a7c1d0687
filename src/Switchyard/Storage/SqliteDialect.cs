using System.Data.Common;
using Microsoft.Data.Sqlite;
using Switchyard.Configuration;

namespace Switchyard.Storage;

internal sealed class SqliteDialect : SqlDialect
{
    private readonly string _connectionString;

    public SqliteDialect(string connectionString)
    {
        _connectionString = connectionString;
        var path = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }

    public override DatabaseKind Kind => DatabaseKind.Sqlite;

    public override string MigrationFolder => "sqlite";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        // WAL lets report readers run beside the ledger writer; busy_timeout waits out a second instance's write lock.
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public override string DayOf(string column) => $"strftime('%Y-%m-%d', {column} / 1000, 'unixepoch')";

    public override string MonthOf(string column) => $"strftime('%Y-%m', {column} / 1000, 'unixepoch')";

    public override async ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // An immediate transaction takes the database's write lock at once; other starters wait on busy_timeout.
        await using (var begin = connection.CreateCommand())
        {
            begin.CommandText = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";
            await begin.ExecuteNonQueryAsync(cancellationToken);
        }
        return ((SqliteConnection)connection).BeginTransaction(System.Data.IsolationLevel.Serializable, deferred: false);
    }
}
