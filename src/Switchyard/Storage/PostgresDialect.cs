using System.Data.Common;
using Npgsql;
using Switchyard.Configuration;

namespace Switchyard.Storage;

internal sealed class PostgresDialect : SqlDialect
{
    // Any fixed number works; it only has to be the same for every instance of the gateway.
    private const long MigrationLockId = 0x5377_6974_6368;
    private readonly NpgsqlDataSource _dataSource;

    public PostgresDialect(string connectionString)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public override DatabaseKind Kind => DatabaseKind.Postgres;

    public override string MigrationFolder => "postgres";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
        => await _dataSource.OpenConnectionAsync(cancellationToken);

    public override string DayOf(string column) => $"to_char(to_timestamp({column} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')";

    public override string MonthOf(string column) => $"to_char(to_timestamp({column} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM')";

    public override async ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // The transaction-scoped advisory lock is released on commit or rollback, even if this process dies.
        command.CommandText = $"SELECT pg_advisory_xact_lock({MigrationLockId}); CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return transaction;
    }
}
