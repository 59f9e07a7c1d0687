using Dapper;
using Switchyard.Tenancy;

namespace Switchyard.Storage;

/// <summary>Virtual keys in the database. Read at start and on refresh, never on the request path.</summary>
public sealed class KeyStore(SqlDialect dialect)
{
    private sealed record Row(
        string id, string name, string key_hash, string key_hint, string? user_name, string group_name,
        string? models, string? limits, long? expires_at, long? revoked_at, long created_at, string source, string? allowed_ips);

    private const string Columns = "id, name, key_hash, key_hint, user_name, group_name, models, limits, expires_at, revoked_at, created_at, source, allowed_ips";

    public async Task<IReadOnlyList<VirtualKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM virtual_keys ORDER BY created_at, name", cancellationToken: cancellationToken));
        return rows.Select(ToKey).ToList();
    }

    public async Task<VirtualKey?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM virtual_keys WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row is null ? null : ToKey(row);
    }

    public async Task<VirtualKey?> FindByNameAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM virtual_keys WHERE name = @name", new { name }, cancellationToken: cancellationToken));
        return row is null ? null : ToKey(row);
    }

    /// <summary>The newest unrevoked console-playground key of <paramref name="user"/> (null: the master key) in <paramref name="group"/>.</summary>
    public async Task<VirtualKey?> FindPlaygroundAsync(string? user, string group, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var row = await connection.QueryFirstOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM virtual_keys WHERE source = @source AND group_name = @group AND revoked_at IS NULL"
            + (user is null ? " AND user_name IS NULL" : " AND user_name = @user") + " ORDER BY created_at DESC LIMIT 1",
            new { source = KeySources.Playground, group, user }, cancellationToken: cancellationToken));
        return row is null ? null : ToKey(row);
    }

    /// <returns>False when the name is taken.</returns>
    public async Task<bool> InsertAsync(VirtualKey key, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO virtual_keys ({Columns}) VALUES (@id, @name, @key_hash, @key_hint, @user_name, @group_name, @models, @limits, @expires_at, @revoked_at, @created_at, @source, @allowed_ips) ON CONFLICT (name) DO NOTHING",
            ToRow(key), cancellationToken: cancellationToken));
        return inserted == 1;
    }

    /// <summary>Updates everything but the id and creation time (a new name must be free: the caller checks).</summary>
    public async Task UpdateAsync(VirtualKey key, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE virtual_keys SET name = @name, key_hash = @key_hash, key_hint = @key_hint, user_name = @user_name, group_name = @group_name, models = @models, limits = @limits, expires_at = @expires_at, revoked_at = @revoked_at, source = @source, allowed_ips = @allowed_ips WHERE id = @id",
            ToRow(key), cancellationToken: cancellationToken));
    }

    public async Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE virtual_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL",
            new { id, at = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return changed == 1;
    }

    private static VirtualKey ToKey(Row r) => new()
    {
        Id = r.id,
        Name = r.name,
        KeyHash = r.key_hash,
        KeyHint = r.key_hint,
        User = r.user_name,
        Group = r.group_name,
        Models = StorageJson.Models(r.models),
        Limits = StorageJson.Limits(r.limits),
        ExpiresAt = r.expires_at is { } e ? DateTimeOffset.FromUnixTimeMilliseconds(e) : null,
        RevokedAt = r.revoked_at is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null,
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.created_at),
        Source = r.source,
        AllowedIps = StorageJson.Models(r.allowed_ips),
    };

    private static Row ToRow(VirtualKey k) => new(
        k.Id, k.Name, k.KeyHash, k.KeyHint, k.User, k.Group, StorageJson.Models(k.Models), StorageJson.Limits(k.Limits),
        k.ExpiresAt?.ToUnixTimeMilliseconds(), k.RevokedAt?.ToUnixTimeMilliseconds(), k.CreatedAt.ToUnixTimeMilliseconds(), k.Source, StorageJson.Models(k.AllowedIps));
}
