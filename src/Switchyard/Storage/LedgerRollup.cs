using System.Data.Common;
using System.Globalization;
using System.Text;
using Switchyard.Billing;

namespace Switchyard.Storage;

/// <summary>
/// The daily rollups (<c>usage_daily</c>): sums per UTC day, key, user, group, model and channel of the records a
/// batch really inserted, added in the batch's own transaction. So the rollups always equal the sums of the records
/// not refused (see <see cref="UsageRecord.Refused"/>), and a replayed record (already present) adds nothing. '' stands for a missing value.
/// </summary>
internal static class LedgerRollup
{
    private const int RowsPerStatement = 200;

    private static readonly string[] Columns =
    [
        "day", "key_name", "user_name", "group_name", "model", "channel", "requests", "input_tokens", "output_tokens",
        "cached_tokens", "cache_write_tokens", "reasoning_tokens", "cost_picousd", "estimated_requests",
        "estimated_input_tokens", "estimated_output_tokens", "estimated_cost_picousd",
    ];

    private const int KeyColumns = 6;

    private readonly record struct Key(string Day, string KeyName, string User, string Group, string Model, string Channel);

    public static async Task AddAsync(DbConnection connection, DbTransaction transaction, IEnumerable<UsageRecord> inserted, CancellationToken cancellationToken)
    {
        var sums = new Dictionary<Key, long[]>();
        foreach (var r in inserted)
        {
            if (r.Refused)
            {
                // Refusals are no usage: the rollups sum what the report sums (see UsageReport).
                continue;
            }
            var key = new Key(LedgerDays.Format(r.CreatedAt), r.KeyName ?? "", r.User ?? "", r.Group ?? "", r.ServedModel ?? r.RequestedModel ?? "", r.Channel ?? "");
            if (!sums.TryGetValue(key, out var s))
            {
                sums[key] = s = new long[Columns.Length - KeyColumns];
            }
            s[0]++;
            s[1] += r.Usage.Input;
            s[2] += r.Usage.Output;
            s[3] += r.Usage.Cached;
            s[4] += r.Usage.CacheWrite;
            s[5] += r.Usage.Reasoning;
            s[6] += LedgerStore.ToPico(r.CostUsd);
            s[7] += r.UsageEstimated ? 1 : 0;
            s[8] += r.EstimatedUsage.Input;
            s[9] += r.EstimatedUsage.Output;
            s[10] += LedgerStore.ToPico(r.EstimatedCostUsd);
        }
        if (sums.Count == 0)
        {
            return;
        }
        // One order for every writer, so two instances adding to the same rows cannot deadlock.
        var rows = sums.OrderBy(p => p.Key.Day, StringComparer.Ordinal).ThenBy(p => p.Key.KeyName, StringComparer.Ordinal)
            .ThenBy(p => p.Key.User, StringComparer.Ordinal).ThenBy(p => p.Key.Group, StringComparer.Ordinal)
            .ThenBy(p => p.Key.Model, StringComparer.Ordinal).ThenBy(p => p.Key.Channel, StringComparer.Ordinal).ToList();
        for (var offset = 0; offset < rows.Count; offset += RowsPerStatement)
        {
            var count = Math.Min(RowsPerStatement, rows.Count - offset);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var sql = new StringBuilder("INSERT INTO usage_daily (").AppendJoin(", ", Columns).Append(") VALUES ");
            for (var i = 0; i < count; i++)
            {
                var (key, values) = rows[offset + i];
                sql.Append(i == 0 ? "(" : ", (");
                object[] keyValues = [key.Day, key.KeyName, key.User, key.Group, key.Model, key.Channel];
                for (var c = 0; c < Columns.Length; c++)
                {
                    var name = "@r" + (i * Columns.Length + c).ToString(CultureInfo.InvariantCulture);
                    sql.Append(c == 0 ? "" : ", ").Append(name);
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = name;
                    parameter.Value = c < KeyColumns ? keyValues[c] : values[c - KeyColumns];
                    command.Parameters.Add(parameter);
                }
                sql.Append(')');
            }
            sql.Append(" ON CONFLICT (day, key_name, user_name, group_name, model, channel) DO UPDATE SET ");
            for (var c = KeyColumns; c < Columns.Length; c++)
            {
                sql.Append(c == KeyColumns ? "" : ", ").Append(Columns[c]).Append(" = usage_daily.").Append(Columns[c]).Append(" + excluded.").Append(Columns[c]);
            }
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
