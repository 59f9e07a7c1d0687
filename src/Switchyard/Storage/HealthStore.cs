using Dapper;
using Switchyard.Resilience;

namespace Switchyard.Storage;

/// <summary>
/// Shared health-check state: a lease per channel key so that of several instances only one probes it each
/// interval, and the latest result, which every instance reads.
/// </summary>
public sealed class HealthStore(SqlDialect dialect)
{
    /// <returns>True when this holder now owns the lease (it was free, expired, or already its own).</returns>
    public async Task<bool> TryTakeLeaseAsync(string channelKey, string holder, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var taken = await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO health_leases (channel_key, holder, expires_at) VALUES (@channelKey, @holder, @expires)
            ON CONFLICT (channel_key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE health_leases.expires_at <= @now OR health_leases.holder = @holder
            """, new { channelKey, holder, expires = (now + duration).ToUnixTimeMilliseconds(), now = now.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
        return taken == 1;
    }

    public async Task SaveAsync(string channelKey, HealthProbeResult result, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO channel_health (channel_key, checked_at, ok, status, latency_ms, error) VALUES (@channelKey, @at, @ok, @status, @latency, @error)
            ON CONFLICT (channel_key) DO UPDATE SET checked_at = excluded.checked_at, ok = excluded.ok, status = excluded.status,
                latency_ms = excluded.latency_ms, error = excluded.error
            """, new { channelKey, at = result.At.ToUnixTimeMilliseconds(), ok = result.Ok, status = result.Status, latency = result.LatencyMs, error = result.Error },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyDictionary<string, HealthProbeResult>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(new CommandDefinition(
            "SELECT channel_key, checked_at, ok, status, latency_ms, error FROM channel_health", cancellationToken: cancellationToken));
        return rows.ToDictionary(
            r => (string)r.channel_key,
            r => new HealthProbeResult(DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.checked_at)), Convert.ToBoolean(r.ok),
                r.status is null ? null : Convert.ToInt32(r.status), Convert.ToInt64(r.latency_ms), (string?)r.error));
    }
}
