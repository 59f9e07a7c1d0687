using System.Data.Common;
using Switchyard.Configuration;

namespace Switchyard.Storage;

/// <summary>What differs between the two databases; everything else is shared SQL run through Dapper.</summary>
public abstract class SqlDialect
{
    public abstract DatabaseKind Kind { get; }

    /// <summary>Folder under Storage/Migrations holding this database's scripts.</summary>
    public abstract string MigrationFolder { get; }

    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>SQL giving the UTC day (YYYY-MM-DD) of a unix-millisecond column.</summary>
    public abstract string DayOf(string column);

    /// <summary>SQL giving the UTC month (YYYY-MM) of a unix-millisecond column.</summary>
    public abstract string MonthOf(string column);

    /// <summary>
    /// Serialises migrations across every process sharing the database, so several instances can start at once.
    /// The returned transaction holds the lock; migrations run inside it.
    /// </summary>
    public abstract ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken);

    public static SqlDialect For(DatabaseLocation location) => location.Kind switch
    {
        DatabaseKind.Sqlite => new SqliteDialect(location.ConnectionString),
        DatabaseKind.Postgres => new PostgresDialect(location.ConnectionString),
        _ => throw new ArgumentOutOfRangeException(nameof(location)),
    };
}
