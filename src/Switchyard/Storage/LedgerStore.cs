using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using Switchyard.Billing;
using Switchyard.Configuration;
using Switchyard.Contracts;
using Switchyard.Pricing;

namespace Switchyard.Storage;

/// <summary>The usage ledger tables. Costs are stored as integer pico-USD so sums stay exact on both databases.</summary>
public sealed class LedgerStore(SqlDialect dialect)
{
    public const decimal PicoPerUsd = 1_000_000_000_000m;

    private static readonly string[] Columns =
    [
        "request_id", "created_at", "endpoint", "key_id", "key_name", "user_name", "group_name", "requested_model",
        "served_model", "channel", "status", "input_tokens", "output_tokens", "cached_tokens", "cache_write_tokens",
        "reasoning_tokens", "cost_picousd", "latency_ms", "ttfb_ms", "stream", "error_kind", "attempts", "price_version",
        "usage_estimated", "estimated_input_tokens", "estimated_output_tokens", "estimated_cost_picousd",
        "note", "route", "arm", "refused", "error_message", "fallback_from", "attempt_count",
    ];

    private const string InsertPrice = """
        INSERT INTO price_versions (version, model, input, output, cached_input, cache_write, reasoning, per_request, multiplier, source, first_used_at)
        VALUES (@Version, @Model, @Input, @Output, @CachedInput, @CacheWrite, @Reasoning, @PerRequest, @Multiplier, @Source, @FirstUsedAt)
        ON CONFLICT (version) DO NOTHING
        """;

    /// <summary>Price versions this process has stored already: each is written once, with the first batch that used it.</summary>
    private readonly ConcurrentDictionary<string, bool> _storedPrices = new(StringComparer.Ordinal);

    /// <summary>Writes a batch in one transaction. Idempotent by request id, so a retried batch never double-counts.</summary>
    public async Task InsertAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var prices = await StorePricesAsync(connection, transaction, records, cancellationToken);
        var inserted = dialect.Kind == DatabaseKind.Sqlite
            ? await InsertRecordsOneByOneAsync(connection, transaction, records, cancellationToken)
            : await CopyRecordsAsync((Npgsql.NpgsqlConnection)connection, records, cancellationToken);
        await RequestBodyStore.InsertAsync(connection, transaction, records, cancellationToken);
        // A request id the database already held (a replayed batch) adds nothing to the rollups.
        await LedgerRollup.AddAsync(connection, transaction, records.Where(r => inserted.Remove(r.RequestId)), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        foreach (var version in prices)
        {
            _storedPrices.TryAdd(version, true);
        }
    }

    /// <summary>
    /// SQLite: one single-row statement, compiled once and re-run per record inside the transaction. With no network
    /// round trip to save, this beats multi-row statements, whose thousands of parameters cost more to parse and bind
    /// than the rows cost to insert. Returns the request ids that were new.
    /// </summary>
    private static async Task<HashSet<string>> InsertRecordsOneByOneAsync(DbConnection connection, DbTransaction transaction,
        IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = new StringBuilder("INSERT INTO usage_records (").AppendJoin(", ", Columns).Append(") VALUES (")
            .AppendJoin(", ", Columns.Select((_, c) => "@p" + c.ToString(CultureInfo.InvariantCulture))).Append(") ON CONFLICT DO NOTHING").ToString();
        var parameters = new DbParameter[Columns.Length];
        for (var c = 0; c < Columns.Length; c++)
        {
            parameters[c] = command.CreateParameter();
            parameters[c].ParameterName = "@p" + c.ToString(CultureInfo.InvariantCulture);
            command.Parameters.Add(parameters[c]);
        }
        await command.PrepareAsync(cancellationToken);
        var values = new object?[Columns.Length];
        foreach (var record in records)
        {
            Fill(values, record);
            for (var c = 0; c < values.Length; c++)
            {
                parameters[c].Value = values[c] ?? DBNull.Value;
            }
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                inserted.Add(record.RequestId);
            }
        }
        return inserted;
    }

    private static readonly NpgsqlTypes.NpgsqlDbType[] CopyTypes = Columns.Select(c => c switch
    {
        "created_at" or "input_tokens" or "output_tokens" or "cached_tokens" or "cache_write_tokens" or "reasoning_tokens" or "cost_picousd"
            or "latency_ms" or "ttfb_ms" or "estimated_input_tokens" or "estimated_output_tokens" or "estimated_cost_picousd" => NpgsqlTypes.NpgsqlDbType.Bigint,
        "status" or "attempt_count" => NpgsqlTypes.NpgsqlDbType.Integer,
        "stream" or "usage_estimated" or "refused" => NpgsqlTypes.NpgsqlDbType.Boolean,
        _ => NpgsqlTypes.NpgsqlDbType.Text,
    }).ToArray();

    /// <summary>
    /// PostgreSQL: the batch goes in by binary COPY into a transaction-local staging table, then one
    /// INSERT … SELECT … ON CONFLICT DO NOTHING moves it, so replays stay idempotent. Far cheaper than multi-row
    /// INSERTs, whose thousands of parameters the server must parse and plan per statement. Returns the new request ids.
    /// </summary>
    private static async Task<HashSet<string>> CopyRecordsAsync(Npgsql.NpgsqlConnection connection, IReadOnlyList<UsageRecord> records,
        CancellationToken cancellationToken)
    {
        await using (var create = new Npgsql.NpgsqlCommand(
            "CREATE TEMP TABLE IF NOT EXISTS usage_records_incoming (LIKE usage_records INCLUDING DEFAULTS) ON COMMIT DELETE ROWS", connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        var columns = string.Join(", ", Columns);
        var values = new object?[Columns.Length];
        await using (var importer = await connection.BeginBinaryImportAsync($"COPY usage_records_incoming ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var record in records)
            {
                Fill(values, record);
                await importer.StartRowAsync(cancellationToken);
                for (var c = 0; c < values.Length; c++)
                {
                    if (values[c] is { } value)
                    {
                        await importer.WriteAsync(value, CopyTypes[c], cancellationToken);
                    }
                    else
                    {
                        await importer.WriteNullAsync(cancellationToken);
                    }
                }
            }
            await importer.CompleteAsync(cancellationToken);
        }
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        // DISTINCT ON: a batch holding one request id twice must not fail the whole batch.
        await using var move = new Npgsql.NpgsqlCommand($"""
            INSERT INTO usage_records ({columns}) SELECT DISTINCT ON (request_id) {columns} FROM usage_records_incoming
            ON CONFLICT DO NOTHING RETURNING request_id
            """, connection);
        await using var reader = await move.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            inserted.Add(reader.GetString(0));
        }
        return inserted;
    }

    private static void Fill(object?[] v, UsageRecord r)
    {
        v[0] = r.RequestId;
        v[1] = r.CreatedAt.ToUnixTimeMilliseconds();
        v[2] = r.Endpoint;
        v[3] = r.KeyId;
        v[4] = r.KeyName;
        v[5] = r.User;
        v[6] = r.Group;
        v[7] = r.RequestedModel;
        v[8] = r.ServedModel;
        v[9] = r.Channel;
        v[10] = r.Status;
        v[11] = r.Usage.Input;
        v[12] = r.Usage.Output;
        v[13] = r.Usage.Cached;
        v[14] = r.Usage.CacheWrite;
        v[15] = r.Usage.Reasoning;
        v[16] = ToPico(r.CostUsd);
        v[17] = r.LatencyMs;
        v[18] = r.TtfbMs;
        v[19] = r.Stream;
        v[20] = r.ErrorKind;
        v[21] = StorageJson.Attempts(r.Attempts);
        v[22] = r.PriceVersion;
        v[23] = r.UsageEstimated;
        v[24] = r.EstimatedUsage.Input;
        v[25] = r.EstimatedUsage.Output;
        v[26] = ToPico(r.EstimatedCostUsd);
        v[27] = r.Note;
        v[28] = r.Route;
        v[29] = r.Arm;
        v[30] = r.Refused;
        v[31] = r.Error;
        v[32] = r.FallbackFrom;
        v[33] = r.AttemptCount;
    }

    private async Task<IReadOnlyCollection<string>> StorePricesAsync(DbConnection connection, DbTransaction transaction,
        IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        Dictionary<string, (ModelPrice Price, DateTimeOffset At)>? fresh = null;
        foreach (var record in records)
        {
            if (record.Price is { } price && !_storedPrices.ContainsKey(price.Version))
            {
                (fresh ??= new(StringComparer.Ordinal)).TryAdd(price.Version, (price, record.CreatedAt));
            }
        }
        if (fresh is null)
        {
            return [];
        }
        var rows = fresh.Values.Select(f => new
        {
            f.Price.Version,
            f.Price.Model,
            Input = Text(f.Price.Price.Input),
            Output = Text(f.Price.Price.Output),
            CachedInput = Text(f.Price.Price.CachedInput),
            CacheWrite = Text(f.Price.Price.CacheWrite),
            Reasoning = Text(f.Price.Price.Reasoning),
            PerRequest = Text(f.Price.Price.PerRequest),
            Multiplier = Text(f.Price.Multiplier),
            f.Price.Source,
            FirstUsedAt = f.At.ToUnixTimeMilliseconds(),
        });
        await connection.ExecuteAsync(new CommandDefinition(InsertPrice, rows, transaction, cancellationToken: cancellationToken));
        return fresh.Keys;
    }

    private static string? Text(decimal? value) => value?.ToString(CultureInfo.InvariantCulture);

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

    /// <summary>One stored price version, as it was when first charged.</summary>
    public async Task<ModelPrice?> FindPriceAsync(string version, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync(new CommandDefinition(
            "SELECT * FROM price_versions WHERE version = @version", new { version }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }
        var price = new Configuration.PriceConfig
        {
            Input = Parse((string)row.input)!.Value,
            Output = Parse((string)row.output)!.Value,
            CachedInput = Parse((string?)row.cached_input),
            CacheWrite = Parse((string?)row.cache_write),
            Reasoning = Parse((string?)row.reasoning),
            PerRequest = Parse((string?)row.per_request),
        };
        return new ModelPrice((string)row.model, price, Parse((string)row.multiplier)!.Value, (string)row.source);
    }

    private static decimal? Parse(string? text) => text is null ? null : decimal.Parse(text, CultureInfo.InvariantCulture);

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
        PriceVersion = (string?)row.price_version,
        UsageEstimated = Convert.ToBoolean(row.usage_estimated),
        EstimatedUsage = new TokenUsage((long)row.estimated_input_tokens, (long)row.estimated_output_tokens, 0, 0, 0),
        EstimatedCostUsd = FromPico((long)row.estimated_cost_picousd),
        LatencyMs = (long)row.latency_ms,
        TtfbMs = (long?)row.ttfb_ms,
        Stream = Convert.ToBoolean(row.stream),
        ErrorKind = (string?)row.error_kind,
        Attempts = StorageJson.Attempts((string?)row.attempts),
        Note = (string?)row.note,
        Route = (string?)row.route,
        Arm = (string?)row.arm,
        Refused = Convert.ToBoolean(row.refused),
        Error = (string?)row.error_message,
        FallbackFrom = (string?)row.fallback_from,
        AttemptCount = (int)Convert.ToInt64(row.attempt_count),
    };
}
