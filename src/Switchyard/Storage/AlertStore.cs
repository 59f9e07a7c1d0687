using Dapper;
using Switchyard.Telemetry.Alerts;

namespace Switchyard.Storage;

/// <summary>The record of alert deliveries, for <c>GET /admin/alerts</c> and to fire a budget threshold once per period.</summary>
public sealed class AlertStore(SqlDialect dialect)
{
    public async Task SaveAsync(AlertDelivery delivery, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO alert_deliveries (id, created_at, event, subject, webhook, status, attempts, http_status, last_error, message)
            VALUES (@Id, @CreatedAt, @Event, @Subject, @Webhook, @Status, @Attempts, @HttpStatus, @LastError, @Message)
            """, new
        {
            delivery.Id,
            CreatedAt = delivery.Time.ToUnixTimeMilliseconds(),
            delivery.Event,
            delivery.Subject,
            delivery.Webhook,
            delivery.Status,
            delivery.Attempts,
            delivery.HttpStatus,
            delivery.LastError,
            delivery.Message,
        }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Claims the right to send <paramref name="event"/> about <paramref name="subject"/> to <paramref name="webhook"/>
    /// now: true unless some instance (this one included) claimed it less than <paramref name="minInterval"/> ago.
    /// One statement, so two instances claiming at once cannot both win.
    /// </summary>
    public async Task<bool> TryClaimAsync(string webhook, string @event, string subject, DateTimeOffset now, TimeSpan minInterval, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var claimed = await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO alert_claims (webhook, event, subject, sent_at) VALUES (@webhook, @event, @subject, @now)
            ON CONFLICT (webhook, event, subject) DO UPDATE SET sent_at = excluded.sent_at WHERE alert_claims.sent_at <= @horizon
            """, new { webhook, @event, subject, now = now.ToUnixTimeMilliseconds(), horizon = (now - minInterval).ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
        return claimed == 1;
    }

    /// <summary>
    /// Drops claims older than <paramref name="before"/>: a claim past <c>min_interval</c> no longer stops anyone, and
    /// subjects that name a budget period would otherwise add rows every day.
    /// </summary>
    public async Task<int> PruneClaimsAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM alert_claims WHERE sent_at < @before",
            new { before = before.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    /// <summary>Whether this event about this subject was ever handled (on any instance, before any restart).</summary>
    public async Task<bool> SeenAsync(string @event, string subject, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT 1 FROM alert_deliveries WHERE event = @event AND subject = @subject LIMIT 1",
            new { @event, subject }, cancellationToken: cancellationToken)) is not null;
    }

    /// <summary>Newest first.</summary>
    public async Task<IReadOnlyList<AlertDelivery>> ListAsync(string? @event, string? status, string? webhook, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(new CommandDefinition("""
            SELECT id, created_at, event, subject, webhook, status, attempts, http_status, last_error, message FROM alert_deliveries
            WHERE (@event IS NULL OR event = @event) AND (@status IS NULL OR status = @status) AND (@webhook IS NULL OR webhook = @webhook)
            ORDER BY created_at DESC, id DESC LIMIT @limit
            """, new { @event, status, webhook, limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new AlertDelivery(
            (string)r.id, DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.created_at)), (string)r.@event, (string)r.subject, (string)r.webhook,
            (string)r.status, Convert.ToInt32(r.attempts), r.http_status is null ? null : (int?)Convert.ToInt32(r.http_status), (string?)r.last_error,
            (string)r.message)).ToList();
    }
}
