using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using Switchyard.Configuration;

namespace Switchyard.Import;

/// <summary>One row of a source table by column name; a column the source's version lacks reads as absent.</summary>
public sealed class SourceRow(IReadOnlyDictionary<string, object?> values)
{
    public bool Has(string column) => values.TryGetValue(column, out var v) && v is not null;

    public string? String(string column) => values.TryGetValue(column, out var v) ? v switch
    {
        null => null,
        string s => s,
        byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString(),
    } : null;

    public long? Long(string column) => values.TryGetValue(column, out var v) ? v switch
    {
        null => null,
        bool b => b ? 1 : 0,
        string s => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : null,
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)).ToUnixTimeSeconds(),
        _ => Convert.ToInt64(v, CultureInfo.InvariantCulture),
    } : null;

    public decimal? Decimal(string column) => values.TryGetValue(column, out var v) ? v switch
    {
        null => null,
        string s => decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : null,
        _ => Convert.ToDecimal(v, CultureInfo.InvariantCulture),
    } : null;

    public bool Bool(string column) => Long(column) is { } n && n != 0;

    public DateTimeOffset? Time(string column) => values.TryGetValue(column, out var v) ? v switch
    {
        null => null,
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        DateTimeOffset o => o,
        string s => DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null,
        _ => null,
    } : null;

    /// <summary>A PostgreSQL <c>text[]</c> column, or a JSON array kept as text.</summary>
    public IReadOnlyList<string> List(string column)
    {
        if (!values.TryGetValue(column, out var v) || v is null)
        {
            return [];
        }
        if (v is string[] array)
        {
            return array;
        }
        var text = String(column);
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(text, ImportJsonContext.Default.ListString) ?? [];
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }
}

/// <summary>
/// A source gateway's database opened for reading only: a SQLite file in read-only mode, or PostgreSQL with every
/// transaction read-only, so an import can never write to the system it leaves.
/// </summary>
public sealed class SourceDatabase : IAsyncDisposable
{
    private readonly DbConnection _connection;
    private readonly DatabaseKind _kind;

    private SourceDatabase(DbConnection connection, DatabaseKind kind)
    {
        _connection = connection;
        _kind = kind;
    }

    /// <param name="from">A SQLite file path (or <c>sqlite:PATH</c>) or a <c>postgres://</c> URL.</param>
    /// <exception cref="ImportException">The location is not one this command reads, or the database does not open.</exception>
    public static async Task<SourceDatabase> OpenAsync(string from, CancellationToken cancellationToken)
    {
        DbConnection connection;
        DatabaseKind kind;
        if (from.StartsWith("postgres://", StringComparison.Ordinal) || from.StartsWith("postgresql://", StringComparison.Ordinal))
        {
            if (!DatabaseLocation.TryParse(from, out var location, out var error))
            {
                throw new ImportException($"--from: {error}");
            }
            var builder = new NpgsqlConnectionStringBuilder(location!.ConnectionString) { Pooling = false };
            builder.Options = (builder.Options is { Length: > 0 } options ? options + " " : "") + "-c default_transaction_read_only=on";
            connection = new NpgsqlConnection(builder.ConnectionString);
            kind = DatabaseKind.Postgres;
        }
        else if (from.StartsWith("mysql://", StringComparison.Ordinal))
        {
            throw new ImportException("--from: MySQL sources are not read directly; copy the database to SQLite or PostgreSQL first (docs/migrate.md shows how).");
        }
        else
        {
            var path = from.StartsWith("sqlite:", StringComparison.Ordinal) ? from["sqlite:".Length..] : from;
            if (!File.Exists(path))
            {
                throw new ImportException($"--from: no SQLite file at '{path}'.");
            }
            connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            kind = DatabaseKind.Sqlite;
        }
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (DbException e)
        {
            await connection.DisposeAsync();
            throw new ImportException($"--from: the database does not open: {e.Message}");
        }
        return new SourceDatabase(connection, kind);
    }

    /// <summary>The table's columns (lower case); empty when the table does not exist.</summary>
    public async Task<IReadOnlySet<string>> ColumnsAsync(string table, CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        if (_kind == DatabaseKind.Sqlite)
        {
            command.CommandText = "SELECT name FROM pragma_table_info(@table)";
        }
        else
        {
            command.CommandText = "SELECT column_name FROM information_schema.columns WHERE table_name = @table AND table_schema = current_schema()";
        }
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@table";
        parameter.Value = table;
        command.Parameters.Add(parameter);
        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            columns.Add(reader.GetString(0));
        }
        return columns;
    }

    /// <summary>Every row of the table (quoted as given: LiteLLM's tables are mixed case); none when it does not exist.</summary>
    public async Task<IReadOnlyList<SourceRow>> RowsAsync(string table, CancellationToken cancellationToken)
    {
        if ((await ColumnsAsync(table, cancellationToken)).Count == 0)
        {
            return [];
        }
        await using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT * FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
        var rows = new List<SourceRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                values[reader.GetName(i)] = await reader.IsDBNullAsync(i, cancellationToken) ? null : reader.GetValue(i);
            }
            rows.Add(new SourceRow(values));
        }
        return rows;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}

/// <summary>A source that cannot be read; the message says what to fix and never holds a secret.</summary>
public sealed class ImportException(string message) : Exception(message);

[System.Text.Json.Serialization.JsonSerializable(typeof(List<string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, decimal>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, System.Text.Json.JsonElement>))]
internal sealed partial class ImportJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
