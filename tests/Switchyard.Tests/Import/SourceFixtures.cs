using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Switchyard.Configuration;

namespace Switchyard.Tests.Import;

/// <summary>
/// A source gateway's database, built by the test with that gateway's real schema: a SQLite file, or a fresh schema on
/// the shared PostgreSQL (dropped on dispose). <see cref="Url"/> is what <c>--from</c>/<c>--database</c> take.
/// </summary>
internal sealed class SourceFixture : IAsyncDisposable
{
    private readonly string? _schema;
    private readonly string? _server;

    private SourceFixture(DatabaseKind kind, string url, string? schema, string? server)
    {
        Kind = kind;
        Url = url;
        _schema = schema;
        _server = server;
    }

    public DatabaseKind Kind { get; }
    public string Url { get; }

    public static async Task<SourceFixture> CreateAsync(DatabaseKind kind)
    {
        if (kind == DatabaseKind.Sqlite)
        {
            var folder = Directory.CreateTempSubdirectory("switchyard-source-");
            return new SourceFixture(kind, Path.Combine(folder.FullName, "source.db"), null, null);
        }
        var server = Environment.GetEnvironmentVariable("SWITCHYARD_TEST_POSTGRES")
            ?? throw new InvalidOperationException("SWITCHYARD_TEST_POSTGRES is not set.");
        var schema = "src_" + Guid.NewGuid().ToString("N")[..16];
        await ExecuteOnServerAsync(server, $"CREATE SCHEMA {schema}");
        return new SourceFixture(kind, $"{server}?search_path={schema}", schema, server);
    }

    public async Task<DbConnection> OpenAsync()
    {
        DbConnection connection;
        if (Kind == DatabaseKind.Sqlite)
        {
            connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Url, Pooling = false }.ToString());
        }
        else
        {
            DatabaseLocation.TryParse(Url, out var location, out _);
            connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(location!.ConnectionString) { Pooling = false }.ConnectionString);
        }
        await connection.OpenAsync();
        return connection;
    }

    public async Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Every row of the named tables as text, to show an import changed nothing in the source.</summary>
    public async Task<string> DumpAsync(params string[] tables)
    {
        var text = new System.Text.StringBuilder();
        await using var connection = await OpenAsync();
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\" ORDER BY 1";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
                }
                text.Append('\n');
            }
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (_schema is not null)
        {
            await ExecuteOnServerAsync(_server!, $"DROP SCHEMA {_schema} CASCADE");
        }
        else
        {
            SqliteConnection.ClearAllPools();
        }
    }

    private static async Task ExecuteOnServerAsync(string server, string sql)
    {
        DatabaseLocation.TryParse(server, out var location, out _);
        await using var connection = new NpgsqlConnection(location!.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
