using Dapper;

namespace Switchyard.Storage;

public sealed record RequestLogQuery(string? Key, string? User, string? Group, string? Model, string? Channel, int? Status,
    DateTimeOffset? From, DateTimeOffset? To, (long At, string Id)? Before, int Limit);

/// <summary>A ledger row as the request log shows it. Settable properties: Dapper converts each engine's column types.</summary>
public sealed class RequestLogRow
{
    public string request_id { get; set; } = "";
    public long created_at { get; set; }
    public string endpoint { get; set; } = "";
    public string? key_name { get; set; }
    public string? user_name { get; set; }
    public string? group_name { get; set; }
    public string? requested_model { get; set; }
    public string? served_model { get; set; }
    public string? channel { get; set; }
    public long status { get; set; }
    public long input_tokens { get; set; }
    public long output_tokens { get; set; }
    public long cached_tokens { get; set; }
    public long cache_write_tokens { get; set; }
    public long reasoning_tokens { get; set; }
    public long cost_picousd { get; set; }
    public long latency_ms { get; set; }
    public long? ttfb_ms { get; set; }
    public bool stream { get; set; }
    public string? error_kind { get; set; }
    public string? note { get; set; }
    public string? route { get; set; }
    public string? arm { get; set; }
    public bool refused { get; set; }
}

/// <summary>The request log: ledger rows, newest first, filtered, a page at a time.</summary>
public sealed class RequestLogStore(SqlDialect dialect)
{
    public async Task<IReadOnlyList<RequestLogRow>> QueryAsync(RequestLogQuery q, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        var args = new DynamicParameters();
        void Filter(string sql, string name, object? value)
        {
            if (value is not null)
            {
                where.Add(sql);
                args.Add(name, value);
            }
        }
        Filter("key_name = @key", "key", q.Key);
        Filter("user_name = @user", "user", q.User);
        Filter("group_name = @group", "group", q.Group);
        Filter("(requested_model = @model OR served_model = @model)", "model", q.Model);
        Filter("channel = @channel", "channel", q.Channel);
        Filter("status = @status", "status", q.Status);
        Filter("created_at >= @from", "from", q.From?.ToUnixTimeMilliseconds());
        Filter("created_at < @to", "to", q.To?.ToUnixTimeMilliseconds());
        if (q.Before is { } before)
        {
            where.Add("(created_at < @beforeAt OR (created_at = @beforeAt AND request_id < @beforeId))");
            args.Add("beforeAt", before.At);
            args.Add("beforeId", before.Id);
        }
        args.Add("limit", q.Limit);
        var sql = $"""
            SELECT request_id, created_at, endpoint, key_name, user_name, group_name, requested_model, served_model, channel, status,
                input_tokens, output_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, cost_picousd, latency_ms, ttfb_ms, stream, error_kind, note, route, arm,
                refused
            FROM usage_records {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))}
            ORDER BY created_at DESC, request_id DESC LIMIT @limit
            """;
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<RequestLogRow>(new CommandDefinition(sql, args, cancellationToken: cancellationToken))).ToList();
    }
}
