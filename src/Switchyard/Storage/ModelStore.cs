using System.Text.Json;
using Dapper;
using Switchyard.Configuration;

namespace Switchyard.Storage;

public sealed record StoredModel(ModelConfig Config, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Model settings and prices created through the admin API; the config file's models never come here.</summary>
public sealed class ModelStore(SqlDialect dialect)
{
    private sealed record Row(string name, string? aliases, string? price, string? fallbacks, long created_at, long updated_at);

    private const string Columns = "name, aliases, price, fallbacks, created_at, updated_at";

    public async Task<IReadOnlyList<StoredModel>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM api_models ORDER BY name", cancellationToken: cancellationToken));
        return rows.Select(ToModel).ToList();
    }

    public async Task<StoredModel?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM api_models WHERE name = @name", new { name }, cancellationToken: cancellationToken));
        return row is null ? null : ToModel(row);
    }

    /// <summary>Creates the model or replaces its settings.</summary>
    public async Task UpsertAsync(StoredModel model, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO api_models ({Columns}) VALUES (@name, @aliases, @price, @fallbacks, @created_at, @updated_at) ON CONFLICT (name) DO UPDATE SET aliases = excluded.aliases, price = excluded.price, fallbacks = excluded.fallbacks, updated_at = excluded.updated_at",
            ToRow(model), cancellationToken: cancellationToken));
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM api_models WHERE name = @name", new { name }, cancellationToken: cancellationToken)) == 1;
    }

    private static StoredModel ToModel(Row r) => new(
        new ModelConfig
        {
            Name = r.name,
            Aliases = StorageJson.Models(r.aliases),
            Price = r.price is null ? null : JsonSerializer.Deserialize(r.price, ChannelStoreJson.Default.PriceConfig),
            Fallbacks = StorageJson.Models(r.fallbacks),
        },
        DateTimeOffset.FromUnixTimeMilliseconds(r.created_at), DateTimeOffset.FromUnixTimeMilliseconds(r.updated_at));

    private static Row ToRow(StoredModel m) => new(m.Config.Name, StorageJson.Models(m.Config.Aliases),
        m.Config.Price is null ? null : JsonSerializer.Serialize(m.Config.Price, ChannelStoreJson.Default.PriceConfig),
        StorageJson.Models(m.Config.Fallbacks), m.CreatedAt.ToUnixTimeMilliseconds(), m.UpdatedAt.ToUnixTimeMilliseconds());
}
