using Dapper;

namespace Switchyard.Storage;

/// <summary>
/// One-time password reset tokens, shared by every instance. Rows hold the token's hash, never the token; a token is
/// spent by one conditional update, so two instances redeeming it at once cannot both succeed.
/// </summary>
public sealed class PasswordResetStore(SqlDialect dialect)
{
    /// <summary>Stores a new token for the user and deletes its earlier ones (used or not), so only the newest works.</summary>
    public async Task ReplaceAsync(string tokenHash, string user, DateTimeOffset createdAt, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM password_resets WHERE user_name = @user OR expires_at <= @now",
            new { user, now = createdAt.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO password_resets (token_hash, user_name, created_at, expires_at, used_at) VALUES (@tokenHash, @user, @created, @expires, NULL)",
            new { tokenHash, user, created = createdAt.ToUnixTimeMilliseconds(), expires = expiresAt.ToUnixTimeMilliseconds() },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Marks the token used if it is unused and unexpired at <paramref name="now"/>; returns its user and when it was
    /// issued, else null.
    /// </summary>
    public async Task<(string User, DateTimeOffset IssuedAt)?> SpendAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var spent = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE password_resets SET used_at = @now WHERE token_hash = @tokenHash AND used_at IS NULL AND expires_at > @now",
            new { tokenHash, now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        if (spent != 1)
        {
            return null;
        }
        var row = await connection.QuerySingleAsync<Row>(new CommandDefinition(
            "SELECT user_name, created_at FROM password_resets WHERE token_hash = @tokenHash", new { tokenHash }, cancellationToken: cancellationToken));
        return (row.user_name, DateTimeOffset.FromUnixTimeMilliseconds(row.created_at));
    }

    private sealed record Row(string user_name, long created_at);
}
