using Dapper;
using Switchyard.Billing;

namespace Switchyard.Storage;

/// <summary>The usage ledger tables. Costs are stored as integer pico-USD so sums stay exact on both databases.</summary>
public sealed class LedgerStore(SqlDialect dialect)
{
    public const decimal PicoPerUsd = 1_000_000_000_000m;

    private const string Insert = """
        INSERT INTO usage_records (request_id, created_at, endpoint, key_id, key_name, user_name, group_name, requested_model,
            served_model, channel, status, input_tokens, output_tokens, cached_tokens, cache_write_tokens, reasoning_tokens,
            cost_picousd, latency_ms, ttfb_ms, stream, error_kind, attempts)
        VALUES (@RequestId, @CreatedAt, @Endpoint, @KeyId, @KeyName, @User, @Group, @RequestedModel,
            @ServedModel, @Channel, @Status, @Input, @Output, @Cached, @CacheWrite, @Reasoning,
            @CostPicoUsd, @LatencyMs, @TtfbMs, @Stream, @ErrorKind, @Attempts)
        ON CONFLICT (request_id) DO NOTHING
        """;

    /// <summary>Writes a batch in one transaction. Idempotent by request id, so a retried batch never double-counts.</summary>
    public async Task InsertAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = records.Select(r => new
        {
            r.RequestId,
            CreatedAt = r.CreatedAt.ToUnixTimeMilliseconds(),
            r.Endpoint,
            r.KeyId,
            r.KeyName,
            r.User,
            r.Group,
            r.RequestedModel,
            r.ServedModel,
            r.Channel,
            r.Status,
            r.Usage.Input,
            r.Usage.Output,
            r.Usage.Cached,
            r.Usage.CacheWrite,
            r.Usage.Reasoning,
            CostPicoUsd = ToPico(r.CostUsd),
            r.LatencyMs,
            r.TtfbMs,
            r.Stream,
            r.ErrorKind,
            Attempts = StorageJson.Attempts(r.Attempts),
        });
        await connection.ExecuteAsync(new CommandDefinition(Insert, rows, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public static long ToPico(decimal usd) => (long)decimal.Round(usd * PicoPerUsd, MidpointRounding.ToEven);

    public static decimal FromPico(decimal pico) => pico / PicoPerUsd;

    public async Task<IReadOnlyList<UsageRecord>> RecentAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(new CommandDefinition(
            "SELECT * FROM usage_records ORDER BY created_at DESC, request_id DESC LIMIT @limit", new { limit }, cancellationToken: cancellationToken));
        return rows.Select(ToRecord).ToList();
    }

    public async Task<UsageRecord?> FindAsync(string requestId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync(new CommandDefinition(
            "SELECT * FROM usage_records WHERE request_id = @requestId", new { requestId }, cancellationToken: cancellationToken));
        return row is null ? null : ToRecord(row);
    }

    private static UsageRecord ToRecord(dynamic row) => new()
    {
        RequestId = (string)row.request_id,
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds((long)row.created_at),
        Endpoint = (string)row.endpoint,
        KeyId = (string?)row.key_id,
        KeyName = (string?)row.key_name,
        User = (string?)row.user_name,
        Group = (string?)row.group_name,
        RequestedModel = (string?)row.requested_model,
        ServedModel = (string?)row.served_model,
        Channel = (string?)row.channel,
        Status = (int)(long)Convert.ToInt64(row.status),
        Usage = new TokenUsage((long)row.input_tokens, (long)row.output_tokens, (long)row.cached_tokens, (long)row.cache_write_tokens, (long)row.reasoning_tokens),
        CostUsd = FromPico((long)row.cost_picousd),
        LatencyMs = (long)row.latency_ms,
        TtfbMs = (long?)row.ttfb_ms,
        Stream = Convert.ToBoolean(row.stream),
        ErrorKind = (string?)row.error_kind,
        Attempts = StorageJson.Attempts((string?)row.attempts),
    };
}
