using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Switchyard.Configuration;

namespace Switchyard.Storage;

public sealed record StoredRoute(RouteRuleConfig Config, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// Routing rules and splits created through the admin API, in the order they are tried (after the config file's).
/// The rule is kept whole as JSON: it is read only to build the snapshot, never queried by field.
/// </summary>
public sealed class RouteStore(SqlDialect dialect)
{
    private sealed record Row(string name, long position, string rule, long created_at, long updated_at);

    public async Task<IReadOnlyList<StoredRoute>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT name, position, rule, created_at, updated_at FROM api_routes ORDER BY position, name", cancellationToken: cancellationToken));
        return rows.Select(ToRoute).ToList();
    }

    /// <summary>Adds the rule after every stored one. (<c>WHERE true</c>: SQLite would read the <c>ON</c> of the upsert as a join's.)</summary>
    /// <returns>False when a rule of that name is stored already.</returns>
    public async Task<bool> InsertAsync(StoredRoute route, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO api_routes (name, position, rule, created_at, updated_at)
            SELECT @name, COALESCE(MAX(position), -1) + 1, @rule, @created_at, @updated_at FROM api_routes WHERE true
            ON CONFLICT (name) DO NOTHING
            """,
            new { name = route.Config.Name, rule = Json(route.Config), created_at = route.CreatedAt.ToUnixTimeMilliseconds(), updated_at = route.UpdatedAt.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken)) == 1;
    }

    public async Task<bool> UpdateAsync(StoredRoute route, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_routes SET rule = @rule, updated_at = @updated_at WHERE name = @name",
            new { name = route.Config.Name, rule = Json(route.Config), updated_at = route.UpdatedAt.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken)) == 1;
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM api_routes WHERE name = @name", new { name }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Sets the order of the named rules (the caller passes every stored name once) in one transaction.</summary>
    public async Task ReorderAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        for (var i = 0; i < names.Count; i++)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE api_routes SET position = @position WHERE name = @name", new { name = names[i], position = (long)i }, transaction, cancellationToken: cancellationToken));
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static string Json(RouteRuleConfig rule) => JsonSerializer.Serialize(rule, RouteStoreJson.Default.RouteRuleConfig);

    private static StoredRoute ToRoute(Row r) => new(
        JsonSerializer.Deserialize(r.rule, RouteStoreJson.Default.RouteRuleConfig)!,
        DateTimeOffset.FromUnixTimeMilliseconds(r.created_at), DateTimeOffset.FromUnixTimeMilliseconds(r.updated_at));
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RouteRuleConfig))]
internal sealed partial class RouteStoreJson : JsonSerializerContext;
