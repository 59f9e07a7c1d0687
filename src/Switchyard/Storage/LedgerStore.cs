using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using SQLitePCL;
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
            ? InsertRecordsOneByOne((Microsoft.Data.Sqlite.SqliteConnection)connection, records)
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
    /// than the rows cost to insert. The values are bound straight through SQLite's API rather than as ADO.NET
    /// parameters: boxing 34 values per row and binding each through the provider's type inference cost about as much
    /// as SQLite's own insert (the ledger's largest item in the request path's profile). Returns the request ids that
    /// were new.
    /// </summary>
    private static HashSet<string> InsertRecordsOneByOne(Microsoft.Data.Sqlite.SqliteConnection connection, IReadOnlyList<UsageRecord> records)
    {
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        var db = connection.Handle!;
        var sql = new StringBuilder("INSERT INTO usage_records (").AppendJoin(", ", Columns).Append(") VALUES (")
            .AppendJoin(", ", Columns.Select((_, c) => "?" + (c + 1).ToString(CultureInfo.InvariantCulture))).Append(") ON CONFLICT DO NOTHING").ToString();
        Check(db, raw.sqlite3_prepare_v2(db, sql, out var statement));
        using (statement)
        {
            // Bind and Fill (PostgreSQL's COPY) each list the columns in order: a column added to one must be in both.
            if (raw.sqlite3_bind_parameter_count(statement) != BoundColumns)
            {
                throw new InvalidOperationException($"usage_records has {Columns.Length} columns but Bind sets {BoundColumns}.");
            }
            foreach (var record in records)
            {
                Bind(statement, record);
                var step = raw.sqlite3_step(statement);
                if (step != raw.SQLITE_DONE)
                {
                    Check(db, step);
                }
                if (raw.sqlite3_changes(db) == 1)
                {
                    inserted.Add(record.RequestId);
                }
                Check(db, raw.sqlite3_reset(statement));
            }
        }
        return inserted;
    }

    private static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            Microsoft.Data.Sqlite.SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    private const int BoundColumns = 34;

    /// <summary>The record's values in <see cref="Columns"/> order (SQLite numbers parameters from 1; null binds NULL).</summary>
    private static void Bind(sqlite3_stmt s, UsageRecord r)
    {
        Text(s, 1, r.RequestId);
        raw.sqlite3_bind_int64(s, 2, r.CreatedAt.ToUnixTimeMilliseconds());
        Text(s, 3, r.Endpoint);
        Text(s, 4, r.KeyId);
        Text(s, 5, r.KeyName);
        Text(s, 6, r.User);
        Text(s, 7, r.Group);
        Text(s, 8, r.RequestedModel);
        Text(s, 9, r.ServedModel);
        Text(s, 10, r.Channel);
        raw.sqlite3_bind_int64(s, 11, r.Status);
        raw.sqlite3_bind_int64(s, 12, r.Usage.Input);
        raw.sqlite3_bind_int64(s, 13, r.Usage.Output);
        raw.sqlite3_bind_int64(s, 14, r.Usage.Cached);
        raw.sqlite3_bind_int64(s, 15, r.Usage.CacheWrite);
        raw.sqlite3_bind_int64(s, 16, r.Usage.Reasoning);
        raw.sqlite3_bind_int64(s, 17, ToPico(r.CostUsd));
        raw.sqlite3_bind_int64(s, 18, r.LatencyMs);
        if (r.TtfbMs is { } ttfb)
        {
            raw.sqlite3_bind_int64(s, 19, ttfb);
        }
        else
        {
            raw.sqlite3_bind_null(s, 19);
        }
        raw.sqlite3_bind_int64(s, 20, r.Stream ? 1 : 0);
        Text(s, 21, r.ErrorKind);
        Text(s, 22, StorageJson.Attempts(r.Attempts));
        Text(s, 23, r.PriceVersion);
        raw.sqlite3_bind_int64(s, 24, r.UsageEstimated ? 1 : 0);
        raw.sqlite3_bind_int64(s, 25, r.EstimatedUsage.Input);
        raw.sqlite3_bind_int64(s, 26, r.EstimatedUsage.Output);
        raw.sqlite3_bind_int64(s, 27, ToPico(r.EstimatedCostUsd));
        Text(s, 28, r.Note);
        Text(s, 29, r.Route);
        Text(s, 30, r.Arm);
        raw.sqlite3_bind_int64(s, 31, r.Refused ? 1 : 0);
        Text(s, 32, r.Error);
        Text(s, 33, r.FallbackFrom);
        raw.sqlite3_bind_int64(s, 34, r.AttemptCount);

        static void Text(sqlite3_stmt s, int index, string? value)
        {
            if (value is null)
            {
                raw.sqlite3_bind_null(s, index);
            }
            else
            {
                raw.sqlite3_bind_text(s, index, value);
            }
        }
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
