using Microsoft.Data.Sqlite;
using Npgsql;

namespace Switchyard.Configuration;

public enum DatabaseKind
{
    Sqlite,
    Postgres,
}

/// <summary>Where the database lives, from <c>storage.database</c>: <c>sqlite:PATH</c> or <c>postgres://user:pass@host:port/db</c>.</summary>
public sealed record DatabaseLocation(DatabaseKind Kind, string ConnectionString)
{
    public static bool TryParse(string text, out DatabaseLocation? location, out string? error)
    {
        location = null;
        error = null;
        if (text.StartsWith("sqlite:", StringComparison.Ordinal))
        {
            var path = text["sqlite:".Length..];
            if (path.StartsWith("//", StringComparison.Ordinal))
            {
                path = path[2..];
            }
            if (path.Length == 0)
            {
                error = "sqlite: needs a file path, e.g. sqlite:data/switchyard.db";
                return false;
            }
            location = new DatabaseLocation(DatabaseKind.Sqlite, new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = true,
                DefaultTimeout = 30,
            }.ToString());
            return true;
        }
        if (text.StartsWith("postgres://", StringComparison.Ordinal) || text.StartsWith("postgresql://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.AbsolutePath.Length <= 1)
            {
                error = "must look like postgres://user:password@host:port/database";
                return false;
            }
            var builder = new NpgsqlConnectionStringBuilder
            {
                Host = uri.Host,
                Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
                Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
            };
            if (uri.UserInfo.Length > 0)
            {
                var colon = uri.UserInfo.IndexOf(':');
                builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
                if (colon >= 0)
                {
                    builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
                }
            }
            foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=');
                var name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
                var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
                try
                {
                    builder[name.Replace('_', ' ')] = value;
                }
                catch (ArgumentException)
                {
                    error = $"unknown PostgreSQL connection option '{name}'";
                    return false;
                }
            }
            location = new DatabaseLocation(DatabaseKind.Postgres, builder.ConnectionString);
            return true;
        }
        error = $"must start with sqlite: or postgres://, got '{Redact(text)}'";
        return false;
    }

    private static string Redact(string text)
    {
        var at = text.IndexOf('@');
        return at < 0 ? text : "***" + text[at..];
    }
}
