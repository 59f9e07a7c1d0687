using Dapper;

namespace Switchyard.Storage;

public enum UsageGrouping
{
    Key,
    User,
    Group,
    Model,
    Channel,
    Day,
    Month,
}

/// <summary>
/// One report row. The estimate columns count requests whose upstream reported no usage (see
/// <see cref="Billing.UsageRecord.UsageEstimated"/>): they are never part of the billed token and cost columns.
/// </summary>
public sealed record UsageRow(string? Key, long Requests, long InputTokens, long OutputTokens, long CachedTokens,
    long CacheWriteTokens, long ReasoningTokens, decimal CostUsd, long EstimatedRequests = 0, long EstimatedInputTokens = 0,
    long EstimatedOutputTokens = 0, decimal EstimatedCostUsd = 0m);

/// <summary>
/// Narrows a report to rows matching every given value (null: any). Group admins' and users' reports are scoped
/// through this, so the narrowing happens in the query and never after it.
/// </summary>
/// <summary>A key's last day of use (UTC, yyyy-MM-dd) and its spend since a day.</summary>
public sealed record KeyActivity(string LastDay, decimal SpendUsd);

public sealed record UsageFilter(string? Key = null, string? User = null, string? Group = null, string? Model = null, string? Channel = null)
{
    public static readonly UsageFilter None = new();
}

/// <summary>
/// Sums of the ledger by one dimension over a time range. Whole UTC days come from the daily rollups
/// (<c>usage_daily</c>), so a month is a few thousand rollup rows whatever the traffic; only the partial days at the
/// edges of a range given to the millisecond are summed from the request log.
/// </summary>
public sealed class UsageReport(SqlDialect dialect)
{
    private const string Sums = """
        COUNT(*) AS requests, COALESCE(SUM(input_tokens), 0) AS input_tokens, COALESCE(SUM(output_tokens), 0) AS output_tokens,
        COALESCE(SUM(cached_tokens), 0) AS cached_tokens, COALESCE(SUM(cache_write_tokens), 0) AS cache_write_tokens,
        COALESCE(SUM(reasoning_tokens), 0) AS reasoning_tokens, COALESCE(SUM(cost_picousd), 0) AS cost_picousd,
        COALESCE(SUM(CASE WHEN usage_estimated THEN 1 ELSE 0 END), 0) AS estimated_requests,
        COALESCE(SUM(estimated_input_tokens), 0) AS estimated_input_tokens, COALESCE(SUM(estimated_output_tokens), 0) AS estimated_output_tokens,
        COALESCE(SUM(estimated_cost_picousd), 0) AS estimated_cost_picousd
        """;

    private const string RollupSums = """
        COALESCE(SUM(requests), 0) AS requests, COALESCE(SUM(input_tokens), 0) AS input_tokens, COALESCE(SUM(output_tokens), 0) AS output_tokens,
        COALESCE(SUM(cached_tokens), 0) AS cached_tokens, COALESCE(SUM(cache_write_tokens), 0) AS cache_write_tokens,
        COALESCE(SUM(reasoning_tokens), 0) AS reasoning_tokens, COALESCE(SUM(cost_picousd), 0) AS cost_picousd,
        COALESCE(SUM(estimated_requests), 0) AS estimated_requests, COALESCE(SUM(estimated_input_tokens), 0) AS estimated_input_tokens,
        COALESCE(SUM(estimated_output_tokens), 0) AS estimated_output_tokens, COALESCE(SUM(estimated_cost_picousd), 0) AS estimated_cost_picousd
        """;

    public Task<IReadOnlyList<UsageRow>> QueryAsync(UsageGrouping grouping, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken) =>
        QueryAsync(grouping, from, to, UsageFilter.None, cancellationToken);

    public async Task<IReadOnlyList<UsageRow>> QueryAsync(UsageGrouping grouping, DateTimeOffset? from, DateTimeOffset? to, UsageFilter filter,
        CancellationToken cancellationToken)
    {
        // Whole days [firstDay, endDay) from the rollups; the pieces of partial days from the records.
        var firstDay = from is { } f ? CeilingDay(f) : (DateTimeOffset?)null;
        var endDay = to is { } t ? FloorDay(t) : (DateTimeOffset?)null;
        var parts = new List<(DateTimeOffset? From, DateTimeOffset? To)>();
        if (firstDay is { } first && endDay is { } end && first >= end)
        {
            // The range lies within one day (or between two day boundaries): the records alone answer it.
            parts.Add((from, to));
            firstDay = endDay = null;
        }
        else
        {
            if (from is { } start && firstDay != start)
            {
                parts.Add((start, firstDay));
            }
            if (to is { } stop && endDay != stop)
            {
                parts.Add((endDay, stop));
            }
        }
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var totals = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var skipRollups = from is not null && to is not null && firstDay is null;
        if (!skipRollups)
        {
            Add(totals, await connection.QueryAsync(new CommandDefinition(RollupQuery(grouping, firstDay, endDay, filter), new
            {
                firstDay = firstDay is { } d1 ? Billing.LedgerDays.Format(d1) : null,
                endDay = endDay is { } d2 ? Billing.LedgerDays.Format(d2) : null,
                key = filter.Key,
                user = filter.User,
                group = filter.Group,
                model = filter.Model,
                channel = filter.Channel,
            }, cancellationToken: cancellationToken)));
        }
        foreach (var (partFrom, partTo) in parts)
        {
            Add(totals, await connection.QueryAsync(new CommandDefinition(RecordQuery(grouping, filter), new
            {
                from = partFrom?.ToUnixTimeMilliseconds() ?? long.MinValue,
                to = partTo?.ToUnixTimeMilliseconds() ?? long.MaxValue,
                key = filter.Key,
                user = filter.User,
                group = filter.Group,
                model = filter.Model,
                channel = filter.Channel,
            }, cancellationToken: cancellationToken)));
        }
        return totals.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new UsageRow(
            p.Key.Length == 0 ? null : p.Key, p.Value[0], p.Value[1], p.Value[2], p.Value[3], p.Value[4], p.Value[5],
            LedgerStore.FromPico(p.Value[6]), p.Value[7], p.Value[8], p.Value[9], LedgerStore.FromPico(p.Value[10]))).ToList();
    }

    /// <summary>
    /// Per key name: the last UTC day it served a request and what it spent from <paramref name="monthStart"/> (a UTC
    /// day) on, from the daily rollups (a key list's "last used" and "spend this month"). Refusals are not in the
    /// rollups, so a key that was only refused has not been used.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, KeyActivity>> KeyActivityAsync(DateOnly monthStart, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(new CommandDefinition(
            "SELECT key_name, MAX(day) AS last_day, COALESCE(SUM(CASE WHEN day >= @month THEN cost_picousd ELSE 0 END), 0) AS month_picousd "
            + "FROM usage_daily WHERE key_name <> '' GROUP BY key_name",
            new { month = monthStart.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }, cancellationToken: cancellationToken));
        var activity = new Dictionary<string, KeyActivity>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            string name = row.key_name;
            string lastDay = row.last_day;
            long picousd = Convert.ToInt64((object)row.month_picousd, System.Globalization.CultureInfo.InvariantCulture);
            activity[name] = new KeyActivity(lastDay, LedgerStore.FromPico(picousd));
        }
        return activity;
    }

    private static DateTimeOffset FloorDay(DateTimeOffset at) => new(at.UtcDateTime.Date, TimeSpan.Zero);

    private static DateTimeOffset CeilingDay(DateTimeOffset at)
    {
        var floor = FloorDay(at);
        return floor == at ? floor : floor.AddDays(1);
    }

    private static string RollupQuery(UsageGrouping grouping, DateTimeOffset? firstDay, DateTimeOffset? endDay, UsageFilter filter)
    {
        var dimension = grouping switch
        {
            UsageGrouping.Key => "key_name",
            UsageGrouping.User => "user_name",
            UsageGrouping.Group => "group_name",
            UsageGrouping.Model => "model",
            UsageGrouping.Channel => "channel",
            UsageGrouping.Day => "day",
            UsageGrouping.Month => "substr(day, 1, 7)",
            _ => throw new ArgumentOutOfRangeException(nameof(grouping)),
        };
        var conditions = new List<string>();
        if (firstDay is not null)
        {
            conditions.Add("day >= @firstDay");
        }
        if (endDay is not null)
        {
            conditions.Add("day < @endDay");
        }
        // The rollups store "none" as '', never NULL, so plain equality matches the records' COALESCE below.
        AddFilter(conditions, filter, "key_name", "user_name", "group_name", "model", "channel");
        var where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
        return $"SELECT {dimension} AS dimension, {RollupSums} FROM usage_daily {where} GROUP BY {dimension}";
    }

    private static void AddFilter(List<string> conditions, UsageFilter filter, string key, string user, string group, string model, string channel)
    {
        if (filter.Key is not null)
        {
            conditions.Add($"{key} = @key");
        }
        if (filter.User is not null)
        {
            conditions.Add($"{user} = @user");
        }
        if (filter.Group is not null)
        {
            conditions.Add($"{group} = @group");
        }
        if (filter.Model is not null)
        {
            conditions.Add($"{model} = @model");
        }
        if (filter.Channel is not null)
        {
            conditions.Add($"{channel} = @channel");
        }
    }

    private string RecordQuery(UsageGrouping grouping, UsageFilter filter)
    {
        var dimension = grouping switch
        {
            UsageGrouping.Key => "COALESCE(key_name, '')",
            UsageGrouping.User => "COALESCE(user_name, '')",
            UsageGrouping.Group => "COALESCE(group_name, '')",
            UsageGrouping.Model => "COALESCE(served_model, requested_model, '')",
            UsageGrouping.Channel => "COALESCE(channel, '')",
            UsageGrouping.Day => dialect.DayOf("created_at"),
            UsageGrouping.Month => dialect.MonthOf("created_at"),
            _ => throw new ArgumentOutOfRangeException(nameof(grouping)),
        };
        // Refusals never reached an upstream: no usage, and left out of the rollups alike.
        var conditions = new List<string> { "created_at >= @from", "created_at < @to", "NOT refused" };
        AddFilter(conditions, filter, "key_name", "user_name", "group_name", "COALESCE(served_model, requested_model, '')", "channel");
        return $"SELECT {dimension} AS dimension, {Sums} FROM usage_records WHERE {string.Join(" AND ", conditions)} GROUP BY {dimension}";
    }

    private static void Add(Dictionary<string, long[]> totals, IEnumerable<dynamic> rows)
    {
        foreach (var row in rows)
        {
            var key = (string?)row.dimension ?? "";
            if (!totals.TryGetValue(key, out var sums))
            {
                totals[key] = sums = new long[11];
            }
            sums[0] += Convert.ToInt64(row.requests);
            sums[1] += Convert.ToInt64(row.input_tokens);
            sums[2] += Convert.ToInt64(row.output_tokens);
            sums[3] += Convert.ToInt64(row.cached_tokens);
            sums[4] += Convert.ToInt64(row.cache_write_tokens);
            sums[5] += Convert.ToInt64(row.reasoning_tokens);
            sums[6] += Convert.ToInt64(row.cost_picousd);
            sums[7] += Convert.ToInt64(row.estimated_requests);
            sums[8] += Convert.ToInt64(row.estimated_input_tokens);
            sums[9] += Convert.ToInt64(row.estimated_output_tokens);
            sums[10] += Convert.ToInt64(row.estimated_cost_picousd);
        }
    }
}
