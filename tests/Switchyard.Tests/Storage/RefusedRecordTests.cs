using Dapper;
using Switchyard.Billing;
using Switchyard.Configuration;
using Switchyard.Contracts;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Storage;

/// <summary>
/// A refused record (ended before any upstream attempt) stays in the request log but never in the usage sums or the
/// rollups; records without the marker — channel-less ones and rows written before it existed — count as before.
/// </summary>
public sealed class RefusedRecordTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 3, 10, 0, 0, TimeSpan.Zero);

    private static UsageRecord Record(string id, bool refused, string? channel, int status = 200) => new()
    {
        RequestId = id,
        CreatedAt = Day,
        Endpoint = "chat.completions",
        KeyName = refused ? null : "k",
        Group = "team",
        RequestedModel = "gpt-4o",
        ServedModel = channel is null ? null : "gpt-4o",
        Channel = channel,
        Status = status,
        Usage = refused ? default : new TokenUsage(10, 5, 0, 0, 0),
        CostUsd = refused ? 0m : 0.001m,
        LatencyMs = 2,
        Refused = refused,
        ErrorKind = refused ? "invalid_key" : null,
    };

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task Refused_InTheLogNotTheSums_UnmarkedAndOldRowsStillCount(DatabaseKind kind)
    {
        var dialect = await TestDatabases.CreateMigratedAsync(kind);
        await new LedgerStore(dialect).InsertAsync(
            [Record("used", false, "mock"), Record("channel-less", false, null, 502), Record("refused", true, null, 401)], default);
        var log = await new RequestLogStore(dialect).QueryAsync(new RequestLogQuery(null, null, null, null, null, null, null, null, null, 10), default);
        Assert.Equal(["channel-less", "refused", "used"], log.Select(r => r.request_id).Order(StringComparer.Ordinal));
        Assert.Equal(["refused"], log.Where(r => r.refused).Select(r => r.request_id));
        var stored = await new LedgerStore(dialect).FindAsync("refused", default);
        Assert.True(stored!.Refused);

        var report = new UsageReport(dialect);
        // Whole days come from the rollups, a range inside the day from the records: both leave the refusal out.
        foreach (var (from, to) in new (DateTimeOffset?, DateTimeOffset?)[] { (null, null), (Day.AddHours(-1), Day.AddHours(1)) })
        {
            var byModel = Assert.Single(await report.QueryAsync(UsageGrouping.Model, from, to, default));
            Assert.Equal(("gpt-4o", 2L, 20L, 0.002m), (byModel.Key, byModel.Requests, byModel.InputTokens, byModel.CostUsd));
            Assert.Equal(["k"], (await report.QueryAsync(UsageGrouping.Key, from, to, default)).Select(r => r.Key));
        }

        await using (var connection = await dialect.OpenAsync(default))
        {
            // A row as a gateway before the marker wrote it: no refused column named, so the default applies.
            await connection.ExecuteAsync("""
                INSERT INTO usage_records (request_id, created_at, endpoint, group_name, requested_model, status, input_tokens, output_tokens,
                    cached_tokens, cache_write_tokens, reasoning_tokens, cost_picousd, latency_ms, stream, usage_estimated,
                    estimated_input_tokens, estimated_output_tokens, estimated_cost_picousd)
                VALUES ('old', @at, 'chat.completions', 'team', 'gpt-4o', 401, 0, 0, 0, 0, 0, 0, 1, @no, @no, 0, 0, 0)
                """, new { at = Day.ToUnixTimeMilliseconds(), no = false });
        }

        var inDay = Assert.Single(await report.QueryAsync(UsageGrouping.Model, Day.AddHours(-1), Day.AddHours(1), default));
        Assert.Equal(3L, inDay.Requests);
        var oldRow = (await new RequestLogStore(dialect).QueryAsync(new RequestLogQuery(null, null, null, null, null, 401, null, null, null, 10), default))
            .Single(r => r.request_id == "old");
        Assert.False(oldRow.refused);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task KeyActivity_CountsChannelLessUsage_NotRefusals(DatabaseKind kind)
    {
        var dialect = await TestDatabases.CreateMigratedAsync(kind);
        await new LedgerStore(dialect).InsertAsync(
        [
            Record("channel-less", false, null, 502) with { KeyName = "answered-without-channel" },
            Record("refused", true, null, 401) with { KeyName = "only-refused" },
        ], default);

        var activity = await new UsageReport(dialect).KeyActivityAsync(DateOnly.FromDateTime(Day.UtcDateTime), default);

        Assert.Equal(["answered-without-channel"], activity.Keys);
    }
}
