using Dapper;
using Switchyard.Configuration;

namespace Switchyard.Storage;

/// <summary>A group as stored: its settings, and whether the config file or the admin API declared it.</summary>
public sealed record StoredGroup(GroupConfig Config, string Source, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>
    /// The models and limits a super admin (or the config file) last set, under which the group's admin may only
    /// tighten. Null: the settings being written are themselves the ceiling (a super admin's or the file's write).
    /// </summary>
    public GroupCeiling? Ceiling { get; init; }

    public GroupCeiling EffectiveCeiling => Ceiling ?? new GroupCeiling(Config.Models, Config.Limits);
}

/// <summary>A group's models (empty = all) and limits (null = none) as a super admin set them.</summary>
public sealed record GroupCeiling(IReadOnlyList<string> Models, LimitsConfig? Limits);

/// <summary>Groups in the database. Read at start and when the shared state version moves, never per request.</summary>
public sealed class GroupStore(SqlDialect dialect)
{
    private sealed record Row(string name, string? models, string? limits, string timezone, string source, long created_at, long updated_at,
        string? ceiling_models, string? ceiling_limits, string? price_multiplier);

    private const string Columns = "name, models, limits, timezone, source, created_at, updated_at, ceiling_models, ceiling_limits, price_multiplier";

    public async Task<IReadOnlyList<StoredGroup>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM tenant_groups ORDER BY name", cancellationToken: cancellationToken));
        var bodies = (await connection.QueryAsync<string>(new CommandDefinition("SELECT group_name FROM group_body_storage", cancellationToken: cancellationToken)))
            .ToHashSet(StringComparer.Ordinal);
        return rows.Select(r => ToGroup(r, bodies.Contains(r.name))).ToList();
    }

    public async Task<StoredGroup?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM tenant_groups WHERE name = @name", new { name }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }
        var bodies = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM group_body_storage WHERE group_name = @name", new { name }, cancellationToken: cancellationToken));
        return ToGroup(row, bodies > 0);
    }

    /// <returns>False when the name is taken.</returns>
    public async Task<bool> InsertAsync(StoredGroup group, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO tenant_groups ({Columns}) VALUES (@name, @models, @limits, @timezone, @source, @created_at, @updated_at, @ceiling_models, @ceiling_limits, @price_multiplier) ON CONFLICT (name) DO NOTHING",
            ToRow(group), cancellationToken: cancellationToken)) == 1;
        if (inserted)
        {
            await SetBodyStorageAsync(connection, group.Config, cancellationToken);
        }
        return inserted;
    }

    public async Task UpdateAsync(StoredGroup group, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE tenant_groups SET models = @models, limits = @limits, timezone = @timezone, source = @source, updated_at = @updated_at, "
            + "ceiling_models = @ceiling_models, ceiling_limits = @ceiling_limits, price_multiplier = @price_multiplier WHERE name = @name",
            ToRow(group), cancellationToken: cancellationToken));
        await SetBodyStorageAsync(connection, group.Config, cancellationToken);
    }

    private static async Task SetBodyStorageAsync(System.Data.Common.DbConnection connection, GroupConfig group, CancellationToken cancellationToken)
    {
        var sql = group.StoreBodies
            ? "INSERT INTO group_body_storage (group_name) VALUES (@Name) ON CONFLICT (group_name) DO NOTHING"
            : "DELETE FROM group_body_storage WHERE group_name = @Name";
        await connection.ExecuteAsync(new CommandDefinition(sql, new { group.Name }, cancellationToken: cancellationToken));
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM group_body_storage WHERE group_name = @name", new { name }, cancellationToken: cancellationToken));
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM tenant_groups WHERE name = @name", new { name }, cancellationToken: cancellationToken)) == 1;
    }

    private static StoredGroup ToGroup(Row r, bool storeBodies) => new(
        new GroupConfig
        {
            Name = r.name,
            Models = StorageJson.Models(r.models),
            Limits = StorageJson.Limits(r.limits),
            TimeZone = r.timezone,
            StoreBodies = storeBodies,
            PriceMultiplier = r.price_multiplier is null ? 1m : decimal.Parse(r.price_multiplier, System.Globalization.CultureInfo.InvariantCulture),
        },
        r.source, DateTimeOffset.FromUnixTimeMilliseconds(r.created_at), DateTimeOffset.FromUnixTimeMilliseconds(r.updated_at))
    {
        Ceiling = new GroupCeiling(StorageJson.Models(r.ceiling_models), StorageJson.Limits(r.ceiling_limits)),
    };

    private static Row ToRow(StoredGroup g) => new(g.Config.Name, StorageJson.Models(g.Config.Models), StorageJson.Limits(g.Config.Limits),
        g.Config.TimeZone, g.Source, g.CreatedAt.ToUnixTimeMilliseconds(), g.UpdatedAt.ToUnixTimeMilliseconds(),
        StorageJson.Models(g.EffectiveCeiling.Models), StorageJson.Limits(g.EffectiveCeiling.Limits),
        // Text, so a multiplier such as 0.85 comes back exactly on both databases.
        g.Config.PriceMultiplier == 1m ? null : g.Config.PriceMultiplier.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
