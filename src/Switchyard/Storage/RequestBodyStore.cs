using System.Data.Common;
using Dapper;
using Switchyard.Billing;

namespace Switchyard.Storage;

/// <summary>A stored prompt and completion (groups with <c>store_bodies</c>), already redacted and size-capped.</summary>
public sealed class StoredBodies
{
    public string request_id { get; set; } = "";
    public long created_at { get; set; }
    public string? group_name { get; set; }
    public string? prompt { get; set; }
    public string? completion { get; set; }
    public bool prompt_truncated { get; set; }
    public bool completion_truncated { get; set; }
}

/// <summary>The <c>request_bodies</c> table: written with the ledger batch, read by the request log's admin endpoint.</summary>
public sealed class RequestBodyStore(SqlDialect dialect)
{
    private const string Insert = """
        INSERT INTO request_bodies (request_id, created_at, group_name, prompt, completion, prompt_truncated, completion_truncated)
        VALUES (@RequestId, @CreatedAt, @Group, @Prompt, @Completion, @PromptTruncated, @CompletionTruncated)
        ON CONFLICT (request_id) DO NOTHING
        """;

    /// <summary>Inside the ledger batch's transaction; idempotent by request id like the records themselves.</summary>
    public static async Task InsertAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        List<object>? rows = null;
        foreach (var r in records)
        {
            if (r.Bodies is { } b)
            {
                (rows ??= []).Add(new
                {
                    r.RequestId,
                    CreatedAt = r.CreatedAt.ToUnixTimeMilliseconds(),
                    r.Group,
                    b.Prompt,
                    b.Completion,
                    b.PromptTruncated,
                    b.CompletionTruncated,
                });
            }
        }
        if (rows is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(Insert, rows, transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>Whether a request's bodies are stored, without reading them (a request's detail says so).</summary>
    public async Task<bool> ExistsAsync(string requestId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM request_bodies WHERE request_id = @requestId", new { requestId }, cancellationToken: cancellationToken)) > 0;
    }

    public async Task<StoredBodies?> FindAsync(string requestId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<StoredBodies>(new CommandDefinition(
            "SELECT * FROM request_bodies WHERE request_id = @requestId", new { requestId }, cancellationToken: cancellationToken));
    }
}
