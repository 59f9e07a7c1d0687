using Dapper;
using Switchyard.Billing;
using Switchyard.Configuration;
using Switchyard.Contracts;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Storage;

/// <summary>Reports read the daily rollups; whatever the range and grouping, they must equal the sums of the records.</summary>
public sealed class UsageRollupTests
{
    private static readonly DateTimeOffset Start = new(2026, 10, 30, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Keys = ["a", "b", "c"];
    private static readonly string[] Models = ["gpt-4o", "claude-sonnet-4-5", "deepseek-chat"];

    private static List<UsageRecord> RandomRecords(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var estimated = random.Next(10) == 0;
            var failed = random.Next(8) == 0;
            // Some failures were refusals (no upstream reached): never part of the sums.
            var refused = failed && random.Next(2) == 0;
            var offsetMs = random.NextInt64(0, 5L * 86_400_000);
            // On the hour now and then, on a midnight sometimes: the edges the range logic must put on the right side.
            if (random.Next(6) == 0)
            {
                offsetMs = offsetMs / 3_600_000 * 3_600_000;
            }
            if (random.Next(12) == 0)
            {
                offsetMs = offsetMs / 86_400_000 * 86_400_000;
            }
            return new UsageRecord
            {
                RequestId = $"req_{seed}_{i:D5}",
                CreatedAt = Start.AddMilliseconds(offsetMs),
                Endpoint = "chat.completions",
                KeyName = Keys[random.Next(Keys.Length)],
                User = random.Next(4) == 0 ? null : "wang",
                Group = "rd",
                RequestedModel = Models[random.Next(Models.Length)],
                ServedModel = failed ? null : Models[random.Next(Models.Length)],
                Channel = failed ? null : "ch" + random.Next(2),
                Status = failed ? 502 : 200,
                Usage = estimated || refused ? default : new TokenUsage(random.Next(5000), random.Next(900), random.Next(100), random.Next(50), random.Next(30)),
                CostUsd = estimated || refused ? 0m : random.Next(1, 10_000_000) / 1_000_000_000_000m * random.Next(1, 1000),
                UsageEstimated = estimated,
                EstimatedUsage = estimated ? new TokenUsage(random.Next(1000), random.Next(100), 0, 0, 0) : default,
                EstimatedCostUsd = estimated ? random.Next(1, 1000) / 1_000_000m : 0m,
                LatencyMs = 3,
                Refused = refused,
            };
        }).ToList();
    }

    private static string KeyOf(UsageRecord r, UsageGrouping g) => g switch
    {
        UsageGrouping.Key => r.KeyName ?? "",
        UsageGrouping.User => r.User ?? "",
        UsageGrouping.Group => r.Group ?? "",
        UsageGrouping.Model => r.ServedModel ?? r.RequestedModel ?? "",
        UsageGrouping.Channel => r.Channel ?? "",
        UsageGrouping.Day => r.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd"),
        UsageGrouping.Month => r.CreatedAt.UtcDateTime.ToString("yyyy-MM"),
        _ => throw new ArgumentOutOfRangeException(nameof(g)),
    };

    private static List<UsageRow> Expected(IEnumerable<UsageRecord> records, UsageGrouping g, DateTimeOffset? from, DateTimeOffset? to) =>
        records.Where(r => !r.Refused && (from is null || r.CreatedAt >= from) && (to is null || r.CreatedAt < to))
            .GroupBy(r => KeyOf(r, g)).OrderBy(x => x.Key, StringComparer.Ordinal)
            .Select(x => new UsageRow(x.Key.Length == 0 ? null : x.Key, x.Count(), x.Sum(r => r.Usage.Input), x.Sum(r => r.Usage.Output),
                x.Sum(r => r.Usage.Cached), x.Sum(r => r.Usage.CacheWrite), x.Sum(r => r.Usage.Reasoning), x.Sum(r => r.CostUsd),
                x.Count(r => r.UsageEstimated), x.Sum(r => r.EstimatedUsage.Input), x.Sum(r => r.EstimatedUsage.Output), x.Sum(r => r.EstimatedCostUsd)))
            .ToList();

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task Report_AnyRangeAndGrouping_EqualsTheSumOfTheRecords(DatabaseKind kind)
    {
        var dialect = await TestDatabases.CreateMigratedAsync(kind);
        var store = new LedgerStore(dialect);
        var records = RandomRecords(1500, seed: 7);
        foreach (var batch in records.Chunk(250))
        {
            await store.InsertAsync(batch, default);
        }
        // Replays (the journal's idempotent retry) add nothing, in the rollups too.
        await store.InsertAsync(records.Take(300).ToList(), default);
        await store.InsertAsync([.. records.Skip(1000).Take(10), .. records.Skip(1000).Take(10)], default);
        var report = new UsageReport(dialect);
        (DateTimeOffset?, DateTimeOffset?)[] ranges =
        [
            (null, null),
            (Start.AddDays(1), Start.AddDays(3)),                                   // whole days: rollups only
            (Start.AddHours(5.5), Start.AddDays(3).AddHours(7.25)),                 // partial edges on both sides
            (Start.AddDays(2).AddHours(1), Start.AddDays(2).AddHours(20)),          // inside one day
            (Start.AddDays(1).AddHours(23), Start.AddDays(2).AddHours(1)),          // across one midnight, no whole day
            (Start.AddDays(1).AddMinutes(1), null),
            (null, Start.AddDays(4).AddSeconds(1)),
        ];

        foreach (var grouping in Enum.GetValues<UsageGrouping>())
        {
            foreach (var (from, to) in ranges)
            {
                var actual = await report.QueryAsync(grouping, from, to, default);
                Assert.True(Expected(records, grouping, from, to).SequenceEqual(actual), $"{kind} {grouping} {from:O}..{to:O}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task Rollups_EqualTheRecordSums_ColumnByColumn(DatabaseKind kind)
    {
        var dialect = await TestDatabases.CreateMigratedAsync(kind);
        var records = RandomRecords(400, seed: 11);
        await new LedgerStore(dialect).InsertAsync(records, default);

        await using var connection = await dialect.OpenAsync(default);
        var rollup = await connection.QuerySingleAsync<(long, long, long)>(
            "SELECT SUM(requests), SUM(input_tokens), SUM(cost_picousd) FROM usage_daily");
        var detail = await connection.QuerySingleAsync<(long, long, long)>(
            "SELECT COUNT(*), SUM(input_tokens), SUM(cost_picousd) FROM usage_records WHERE NOT refused");

        Assert.Equal(detail, rollup);
        Assert.Contains(records, r => r.Refused);
        Assert.Equal(((long)records.Count(r => !r.Refused), records.Sum(r => r.Usage.Input), records.Sum(r => LedgerStore.ToPico(r.CostUsd))), rollup);
    }
}
