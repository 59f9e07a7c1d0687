using Dapper;
using Switchyard.Configuration;

namespace Switchyard.Storage;

/// <summary>A user as stored: settings, the password's PBKDF2 hash (never the password) and login-failure state.</summary>
public sealed record StoredUser(UserConfig Config, string Source, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public string? PasswordHash { get; init; }
    public int FailedLogins { get; init; }
    public DateTimeOffset? LockedUntil { get; init; }
}

/// <summary>Users in the database. Read at start, on a state change, and by logins; never per relayed request.</summary>
public sealed class UserStore(SqlDialect dialect)
{
    private sealed record Row(string name, string group_name, string role, string? limits, string? password_hash, long failed_logins,
        long? locked_until, string source, long created_at, long updated_at);

    private const string Columns = "name, group_name, role, limits, password_hash, failed_logins, locked_until, source, created_at, updated_at";

    public async Task<IReadOnlyList<StoredUser>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM tenant_users ORDER BY name", cancellationToken: cancellationToken));
        return rows.Select(ToUser).ToList();
    }

    public async Task<StoredUser?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM tenant_users WHERE name = @name", new { name }, cancellationToken: cancellationToken));
        return row is null ? null : ToUser(row);
    }

    /// <returns>False when the name is taken.</returns>
    public async Task<bool> InsertAsync(StoredUser user, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO tenant_users ({Columns}) VALUES (@name, @group_name, @role, @limits, @password_hash, @failed_logins, @locked_until, @source, @created_at, @updated_at) ON CONFLICT (name) DO NOTHING",
            ToRow(user), cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Settings and password; login-failure state is written only by <see cref="RecordLoginAsync"/>.</summary>
    public async Task UpdateAsync(StoredUser user, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE tenant_users SET group_name = @group_name, role = @role, limits = @limits, password_hash = @password_hash, source = @source, updated_at = @updated_at WHERE name = @name",
            ToRow(user), cancellationToken: cancellationToken));
    }

    public async Task RecordLoginAsync(string name, int failedLogins, DateTimeOffset? lockedUntil, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE tenant_users SET failed_logins = @failedLogins, locked_until = @locked WHERE name = @name",
            new { name, failedLogins = (long)failedLogins, locked = lockedUntil?.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM tenant_users WHERE name = @name", new { name }, cancellationToken: cancellationToken)) == 1;
    }

    private static StoredUser ToUser(Row r) => new(
        new UserConfig { Name = r.name, Group = r.group_name, Role = r.role, Limits = StorageJson.Limits(r.limits) },
        r.source, DateTimeOffset.FromUnixTimeMilliseconds(r.created_at), DateTimeOffset.FromUnixTimeMilliseconds(r.updated_at))
    {
        PasswordHash = r.password_hash,
        FailedLogins = (int)r.failed_logins,
        LockedUntil = r.locked_until is { } l ? DateTimeOffset.FromUnixTimeMilliseconds(l) : null,
    };

    private static Row ToRow(StoredUser u) => new(u.Config.Name, u.Config.Group, u.Config.Role, StorageJson.Limits(u.Config.Limits), u.PasswordHash,
        u.FailedLogins, u.LockedUntil?.ToUnixTimeMilliseconds(), u.Source, u.CreatedAt.ToUnixTimeMilliseconds(), u.UpdatedAt.ToUnixTimeMilliseconds());
}
