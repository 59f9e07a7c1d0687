using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Switchyard.Configuration;

namespace Switchyard.Storage;

/// <summary>One upstream key as stored: sealed (see <see cref="Security.SecretCipher"/>) beside a masked hint.</summary>
public sealed record SealedSecret(string Hint, string Sealed);

/// <summary>A channel created through the admin API: its settings, with keys and headers sealed, never in clear.</summary>
public sealed record StoredChannel(ChannelConfig Config, IReadOnlyList<SealedSecret> Keys, string? SealedHeaders, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(List<SealedSecret>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(PriceConfig))]
public sealed partial class ChannelStoreJson : JsonSerializerContext;

/// <summary>API-made channels in the database; the config file's channels never come here.</summary>
public sealed class ChannelStore(SqlDialect dialect)
{
    private sealed record Row(string name, string type, string base_url, string secrets, string? models, string? model_map, string? groups,
        long priority, long weight, string? headers, long created_at, long updated_at);

    private const string Columns = "name, type, base_url, secrets, models, model_map, groups, priority, weight, headers, created_at, updated_at";

    public async Task<IReadOnlyList<StoredChannel>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM api_channels ORDER BY name", cancellationToken: cancellationToken));
        return rows.Select(ToChannel).ToList();
    }

    public async Task<StoredChannel?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM api_channels WHERE name = @name", new { name }, cancellationToken: cancellationToken));
        return row is null ? null : ToChannel(row);
    }

    public async Task<bool> InsertAsync(StoredChannel channel, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO api_channels ({Columns}) VALUES (@name, @type, @base_url, @secrets, @models, @model_map, @groups, @priority, @weight, @headers, @created_at, @updated_at) ON CONFLICT (name) DO NOTHING",
            ToRow(channel), cancellationToken: cancellationToken)) == 1;
    }

    public async Task UpdateAsync(StoredChannel channel, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_channels SET type = @type, base_url = @base_url, secrets = @secrets, models = @models, model_map = @model_map, groups = @groups, priority = @priority, weight = @weight, headers = @headers, updated_at = @updated_at WHERE name = @name",
            ToRow(channel), cancellationToken: cancellationToken));
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM api_channels WHERE name = @name", new { name }, cancellationToken: cancellationToken)) == 1;
    }

    private static StoredChannel ToChannel(Row r) => new(
        new ChannelConfig
        {
            Name = r.name,
            Type = r.type,
            BaseUrl = r.base_url,
            Models = StorageJson.Models(r.models),
            ModelMap = r.model_map is null ? new Dictionary<string, string>() : JsonSerializer.Deserialize(r.model_map, ChannelStoreJson.Default.DictionaryStringString)!,
            Groups = StorageJson.Models(r.groups),
            Priority = (int)r.priority,
            Weight = (int)r.weight,
        },
        JsonSerializer.Deserialize(r.secrets, ChannelStoreJson.Default.ListSealedSecret) ?? [],
        r.headers,
        DateTimeOffset.FromUnixTimeMilliseconds(r.created_at),
        DateTimeOffset.FromUnixTimeMilliseconds(r.updated_at));

    private static Row ToRow(StoredChannel c) => new(
        c.Config.Name, c.Config.Type, c.Config.BaseUrl, JsonSerializer.Serialize(c.Keys.ToList(), ChannelStoreJson.Default.ListSealedSecret),
        StorageJson.Models(c.Config.Models),
        c.Config.ModelMap.Count == 0 ? null : JsonSerializer.Serialize(new Dictionary<string, string>(c.Config.ModelMap), ChannelStoreJson.Default.DictionaryStringString),
        StorageJson.Models(c.Config.Groups), c.Config.Priority, c.Config.Weight, c.SealedHeaders,
        c.CreatedAt.ToUnixTimeMilliseconds(), c.UpdatedAt.ToUnixTimeMilliseconds());
}
