using Dapper;

namespace Switchyard.Storage;

public sealed record StoredSession(string User, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>Web UI sessions, shared by every instance. Rows hold the token's hash, never the token.</summary>
public sealed class SessionStore(SqlDialect dialect)
{
    private sealed record Row(string user_name, long created_at, long expires_at);

    public async Task InsertAsync(string tokenHash, StoredSession session, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO admin_sessions (token_hash, user_name, created_at, expires_at) VALUES (@tokenHash, @user, @created, @expires)",
            new { tokenHash, user = session.User, created = session.CreatedAt.ToUnixTimeMilliseconds(), expires = session.ExpiresAt.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
    }

    public async Task<StoredSession?> FindAsync(string tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT user_name, created_at, expires_at FROM admin_sessions WHERE token_hash = @tokenHash", new { tokenHash }, cancellationToken: cancellationToken));
        return row is null ? null : new StoredSession(row.user_name, DateTimeOffset.FromUnixTimeMilliseconds(row.created_at), DateTimeOffset.FromUnixTimeMilliseconds(row.expires_at));
    }

    public async Task DeleteAsync(string tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM admin_sessions WHERE token_hash = @tokenHash", new { tokenHash }, cancellationToken: cancellationToken));
    }

    /// <summary>Ends every session of a user (deleted, or password changed) and any expired ones.</summary>
    public async Task DeleteForUserAsync(string user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM admin_sessions WHERE user_name = @user OR expires_at <= @now", new { user, now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }
}
