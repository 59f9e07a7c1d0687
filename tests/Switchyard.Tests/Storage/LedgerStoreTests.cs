using Switchyard.Billing;
using Switchyard.Configuration;
using Switchyard.Contracts;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Storage;

public sealed class LedgerStoreTests
{
    private static readonly DateTimeOffset Day1 = new(2026, 11, 20, 23, 59, 59, TimeSpan.Zero);
    private static readonly DateTimeOffset Day2 = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);

    private static UsageRecord Record(string id, DateTimeOffset at, string key, string model, TokenUsage usage, decimal cost, int status = 200) => new()
    {
        RequestId = id,
        CreatedAt = at,
        Endpoint = "chat.completions",
        KeyId = "key_" + key,
        KeyName = key,
        User = "wang",
        Group = "rd",
        RequestedModel = model,
        ServedModel = status == 200 ? model : null,
        Channel = "mock",
        Status = status,
        Usage = usage,
        CostUsd = cost,
        LatencyMs = 12,
        TtfbMs = 3,
        Stream = true,
        ErrorKind = status == 200 ? null : "upstream_error",
    };

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task InsertAsync_RoundTripsEveryField(DatabaseKind kind)
    {
        var store = new LedgerStore(await TestDatabases.CreateMigratedAsync(kind));
        var record = Record("req_1", Day1, "a", "gpt-4o", new TokenUsage(1000, 200, 400, 10, 150), 0.123456789012m);

        await store.InsertAsync([record], default);

        var stored = await store.FindAsync("req_1", default);
        Assert.Equal(record, stored);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task InsertAsync_SameRequestTwice_CountsOnce(DatabaseKind kind)
    {
        var dialect = await TestDatabases.CreateMigratedAsync(kind);
        var store = new LedgerStore(dialect);
        var record = Record("req_1", Day1, "a", "gpt-4o", new TokenUsage(10, 5, 0, 0, 0), 0.01m);

        await store.InsertAsync([record], default);
        await store.InsertAsync([record, Record("req_2", Day1, "a", "gpt-4o", new TokenUsage(1, 1, 0, 0, 0), 0.02m)], default);

        var rows = await new UsageReport(dialect).QueryAsync(UsageGrouping.Key, null, null, default);
        var row = Assert.Single(rows);
        Assert.Equal(2, row.Requests);
        Assert.Equal(0.03m, row.CostUsd);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task Report_GroupsAndSumsExactly(DatabaseKind kind)
    {
        var dialect = await TestDatabases.CreateMigratedAsync(kind);
        var store = new LedgerStore(dialect);
        var report = new UsageReport(dialect);
        // Costs a float sum would round: 0.1 + 0.2 and tiny per-token amounts.
        await store.InsertAsync(
        [
            Record("r1", Day1, "a", "gpt-4o", new TokenUsage(100, 10, 20, 0, 0), 0.1m),
            Record("r2", Day1, "b", "gpt-4o", new TokenUsage(200, 20, 0, 5, 3), 0.2m),
            Record("r3", Day2, "a", "mini", new TokenUsage(7, 3, 0, 0, 1), 0.000000000001m),
            Record("r4", Day2, "a", "mini", default, 0m, status: 502),
        ], default);

        var byModel = await report.QueryAsync(UsageGrouping.Model, null, null, default);
        var byDay = await report.QueryAsync(UsageGrouping.Day, null, null, default);
        var byKeyDay2 = await report.QueryAsync(UsageGrouping.Key, Day2, Day2.AddDays(1), default);

        Assert.Equal(
            [
                new UsageRow("gpt-4o", 2, 300, 30, 20, 5, 3, 0.3m),
                new UsageRow("mini", 2, 7, 3, 0, 0, 1, 0.000000000001m),
            ],
            byModel);
        Assert.Equal(["2026-11-20", "2026-11-21"], byDay.Select(r => r.Key));
        Assert.Equal(0.3m, byDay[0].CostUsd);
        var only = Assert.Single(byKeyDay2);
        Assert.Equal(("a", 2L), (only.Key, only.Requests));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task Report_Month_GroupsByCalendarMonth(DatabaseKind kind)
    {
        var dialect = await TestDatabases.CreateMigratedAsync(kind);
        var store = new LedgerStore(dialect);
        await store.InsertAsync(
        [
            Record("r1", new DateTimeOffset(2026, 10, 31, 23, 0, 0, TimeSpan.Zero), "a", "m", new TokenUsage(1, 1, 0, 0, 0), 1m),
            Record("r2", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), "a", "m", new TokenUsage(1, 1, 0, 0, 0), 2m),
        ], default);

        var rows = await new UsageReport(dialect).QueryAsync(UsageGrouping.Month, null, null, default);

        Assert.Equal([("2026-10", 1m), ("2026-11", 2m)], rows.Select(r => (r.Key, r.CostUsd)));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task PriceChange_NewRecordsNameTheNewVersion_OldRecordsAndVersionsUnchanged(DatabaseKind kind)
    {
        var store = new LedgerStore(await TestDatabases.CreateMigratedAsync(kind));
        var usage = new TokenUsage(1000, 100, 0, 0, 0);
        var before = new Switchyard.Pricing.PriceBook([new Switchyard.Configuration.ModelConfig { Name = "m", Price = new() { Input = 1m, Output = 2m } }]).Resolve("m", null, null)!;
        var after = new Switchyard.Pricing.PriceBook([new Switchyard.Configuration.ModelConfig { Name = "m", Price = new() { Input = 3m, Output = 2m, PerRequest = 0.5m } }]).Resolve("m", null, null)!;
        await store.InsertAsync([Record("old", Day1, "a", "m", usage, before.Cost(usage)) with { PriceVersion = before.Version, Price = before }], default);

        await store.InsertAsync([Record("new", Day2, "a", "m", usage, after.Cost(usage)) with { PriceVersion = after.Version, Price = after }], default);
        // A replayed copy of the old record (same request id) cannot reprice it.
        await store.InsertAsync([Record("old", Day1, "a", "m", usage, after.Cost(usage)) with { PriceVersion = after.Version, Price = after }], default);

        var old = (await store.FindAsync("old", default))!;
        Assert.Equal((0.0012m, before.Version), (old.CostUsd, old.PriceVersion));
        Assert.Equal((0.5032m, after.Version), ((await store.FindAsync("new", default))!.CostUsd, (await store.FindAsync("new", default))!.PriceVersion));
        Assert.Equal(before, await store.FindPriceAsync(before.Version, default));
        Assert.Equal(after, await store.FindPriceAsync(after.Version, default));
    }
}
