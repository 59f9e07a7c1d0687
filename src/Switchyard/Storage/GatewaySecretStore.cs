using Dapper;

namespace Switchyard.Storage;

/// <summary>Gateway-wide secrets, each stored sealed under <c>security.secret_key</c>.</summary>
public sealed class GatewaySecretStore(SqlDialect dialect)
{
    public const string KeyHashPepper = "key_hash_pepper";

    public async Task<string?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT sealed FROM gateway_secrets WHERE name = @name", new { name }, cancellationToken: cancellationToken));
    }

    /// <summary>Stores the value unless another instance stored one first; either way answers the stored one.</summary>
    public async Task<string> GetOrAddAsync(string name, string sealedValue, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO gateway_secrets (name, sealed, created_at) VALUES (@name, @sealedValue, @at) ON CONFLICT (name) DO NOTHING",
            new { name, sealedValue, at = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return await connection.QuerySingleAsync<string>(new CommandDefinition(
            "SELECT sealed FROM gateway_secrets WHERE name = @name", new { name }, cancellationToken: cancellationToken));
    }

    public async Task UpdateAsync(string name, string sealedValue, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE gateway_secrets SET sealed = @sealedValue WHERE name = @name", new { name, sealedValue }, cancellationToken: cancellationToken));
    }
}
