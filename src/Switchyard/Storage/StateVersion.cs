using Dapper;

namespace Switchyard.Storage;

/// <summary>
/// One counter every admin change bumps. Each instance polls it (one indexed single-row read) and reloads keys,
/// users, groups, channels and models only when it moved, so a change made anywhere applies everywhere within a poll.
/// </summary>
public sealed class StateVersion(SqlDialect dialect)
{
    public async Task<long> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT version FROM state_version WHERE id = 1", cancellationToken: cancellationToken));
    }

    public async Task BumpAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE state_version SET version = version + 1 WHERE id = 1", cancellationToken: cancellationToken));
    }
}
