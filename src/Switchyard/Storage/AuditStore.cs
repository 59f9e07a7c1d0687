using System.Data.Common;
using Dapper;
using Switchyard.Audit;

namespace Switchyard.Storage;

public sealed record AuditQuery(DateTimeOffset? From, DateTimeOffset? To, string? Actor, string? Action, string? TargetType, string? Target, long? Before, int Limit);

/// <summary>The append-only audit table (the database's triggers refuse updates and deletes).</summary>
public sealed class AuditStore(SqlDialect dialect)
{
    private sealed record Row(long seq, long at, string actor, string? actor_role, string? address, string action, string target_type,
        string? target, string outcome, string? changes, string prev_hash, string hash);

    private sealed record Tail(long seq, string hash);

    private const string Columns = "seq, at, actor, actor_role, address, action, target_type, target, outcome, changes, prev_hash, hash";

    /// <summary>
    /// Chains the entry onto the current last one (<paramref name="make"/> gets the sequence number and the previous hash,
    /// and returns the entry with its own hash) and inserts it. Two instances appending at once collide on the
    /// sequence number; the loser re-reads the tail and tries again, so the chain stays one line.
    /// </summary>
    public async Task<AuditEntry> AppendAsync(Func<long, string, AuditEntry> make, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var connection = await dialect.OpenAsync(cancellationToken);
            var last = await connection.QuerySingleOrDefaultAsync<Tail>(new CommandDefinition(
                "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", cancellationToken: cancellationToken));
            var entry = make(last is null ? 1 : last.seq + 1, last?.hash ?? AuditEntry.Genesis);
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    $"INSERT INTO audit_log ({Columns}) VALUES (@seq, @at, @actor, @actor_role, @address, @action, @target_type, @target, @outcome, @changes, @prev_hash, @hash)",
                    ToRow(entry), cancellationToken: cancellationToken));
                return entry;
            }
            catch (DbException) when (attempt < 20)
            {
                await Task.Delay(Random.Shared.Next(1, 10) * (attempt + 1), cancellationToken);
            }
        }
    }

    /// <summary>Newest first; <see cref="AuditQuery.Before"/> pages back from a sequence number.</summary>
    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery q, CancellationToken cancellationToken)
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
        Filter("at >= @from", "from", q.From?.ToUnixTimeMilliseconds());
        Filter("at < @to", "to", q.To?.ToUnixTimeMilliseconds());
        Filter("actor = @actor", "actor", q.Actor);
        Filter("action = @action", "action", q.Action);
        Filter("target_type = @targetType", "targetType", q.TargetType);
        Filter("target = @target", "target", q.Target);
        Filter("seq < @before", "before", q.Before);
        args.Add("limit", q.Limit);
        var sql = $"SELECT {Columns} FROM audit_log {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))} ORDER BY seq DESC LIMIT @limit";
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(sql, args, cancellationToken: cancellationToken));
        return rows.Select(ToEntry).ToList();
    }

    /// <summary>The whole chain, oldest first, a page at a time.</summary>
    public async IAsyncEnumerable<AuditEntry> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long after = 0;
        while (true)
        {
            List<Row> page;
            await using (var connection = await dialect.OpenAsync(cancellationToken))
            {
                page = (await connection.QueryAsync<Row>(new CommandDefinition(
                    $"SELECT {Columns} FROM audit_log WHERE seq > @after ORDER BY seq LIMIT 1000", new { after }, cancellationToken: cancellationToken))).ToList();
            }
            foreach (var row in page)
            {
                yield return ToEntry(row);
            }
            if (page.Count < 1000)
            {
                yield break;
            }
            after = page[^1].seq;
        }
    }

    private static AuditEntry ToEntry(Row r) => new()
    {
        Seq = r.seq,
        At = DateTimeOffset.FromUnixTimeMilliseconds(r.at),
        Actor = r.actor,
        ActorRole = r.actor_role,
        Address = r.address,
        Action = r.action,
        TargetType = r.target_type,
        Target = r.target,
        Outcome = r.outcome,
        Changes = r.changes,
        PrevHash = r.prev_hash,
        Hash = r.hash,
    };

    private static Row ToRow(AuditEntry e) => new(e.Seq, e.At.ToUnixTimeMilliseconds(), e.Actor, e.ActorRole, e.Address, e.Action, e.TargetType,
        e.Target, e.Outcome, e.Changes, e.PrevHash, e.Hash);
}
