using Switchyard.Configuration;
using Switchyard.Quotas;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Quotas;

public sealed class MemoryQuotaStoreTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly ManualTimeProvider _time = new(Noon);

    private MemoryQuotaStore Store() => new(_time);

    private static QuotaPlan Plan(LimitsConfig limits, long tokens = 10, decimal usd = 0m, string zone = "UTC", string id = "key:k") =>
        new([new QuotaScope(id, "key k", limits, TimeZoneInfo.FindSystemTimeZoneById(zone))], tokens, usd);

    private static async Task<int> AdmitManyAsync(MemoryQuotaStore store, QuotaPlan plan, int count)
    {
        var admitted = 0;
        for (var i = 0; i < count; i++)
        {
            if ((await store.AdmitAsync(plan, default)).Ticket is not null)
            {
                admitted++;
            }
        }
        return admitted;
    }

    [Fact]
    public async Task Rpm_TripsAtExactlyItsValue_AndSaysWhenToRetry()
    {
        var store = Store();
        var plan = Plan(new LimitsConfig { Rpm = 3 });

        Assert.Equal(3, await AdmitManyAsync(store, plan, 3));
        _time.Advance(TimeSpan.FromSeconds(20));
        var (ticket, denial) = await store.AdmitAsync(plan, default);

        Assert.Null(ticket);
        Assert.Equal("key k: rpm 3 per minute", denial!.Message);
        Assert.Equal(TimeSpan.FromSeconds(40), denial.RetryAfter);
        _time.Advance(TimeSpan.FromSeconds(40));
        Assert.NotNull((await store.AdmitAsync(plan, default)).Ticket);
    }

    [Fact]
    public async Task Tpm_CountsReservationsThenTrueUsage()
    {
        var store = Store();
        var plan = Plan(new LimitsConfig { Tpm = 100 }, tokens: 60);

        var (first, _) = await store.AdmitAsync(plan, default);
        Assert.NotNull((await store.AdmitAsync(Plan(new LimitsConfig { Tpm = 100 }, tokens: 40), default)).Ticket);
        Assert.NotNull((await store.AdmitAsync(plan, default)).Denial);

        await store.SettleAsync(first!, tokens: 20, usd: 0m, default);

        Assert.NotNull((await store.AdmitAsync(Plan(new LimitsConfig { Tpm = 100 }, tokens: 40), default)).Ticket);
    }

    [Fact]
    public async Task TokensPerDay_RollsOverAtMidnightInTheGroupsTimeZone()
    {
        var store = Store();
        // 12:00 UTC is 20:00 in Shanghai; its midnight comes at 16:00 UTC.
        var plan = Plan(new LimitsConfig { TokensPerDay = 100 }, tokens: 100, zone: "Asia/Shanghai");

        Assert.NotNull((await store.AdmitAsync(plan, default)).Ticket);
        var (_, denial) = await store.AdmitAsync(plan, default);

        Assert.Equal(TimeSpan.FromHours(4), denial!.RetryAfter);
        _time.Advance(TimeSpan.FromHours(4));
        Assert.NotNull((await store.AdmitAsync(plan, default)).Ticket);
    }

    [Fact]
    public async Task UsdBudgets_SettleExactlyAndRefuseOverspend()
    {
        var store = Store();
        var plan = Plan(new LimitsConfig { UsdTotal = 0.30m, UsdPerDay = 1m }, usd: 0.10m);

        for (var i = 0; i < 3; i++)
        {
            var (ticket, _) = await store.AdmitAsync(plan, default);
            await store.SettleAsync(ticket!, 10, 0.1m, default);
        }
        var (refused, denial) = await store.AdmitAsync(plan, default);

        Assert.Null(refused);
        Assert.Equal("key k: usd_total 0.30 in total", denial!.Message);
        Assert.Equal(0.30m, store.Usage(plan.Scopes[0]).UsdTotal);
    }

    [Fact]
    public async Task MaxParallel_FreesASlotWhenARequestEnds()
    {
        var store = Store();
        var plan = Plan(new LimitsConfig { MaxParallel = 2 });

        var (a, _) = await store.AdmitAsync(plan, default);
        Assert.NotNull((await store.AdmitAsync(plan, default)).Ticket);
        Assert.NotNull((await store.AdmitAsync(plan, default)).Denial);

        await store.ReleaseAsync(a!, default);

        Assert.NotNull((await store.AdmitAsync(plan, default)).Ticket);
    }

    [Fact]
    public async Task Release_GivesTheWholeReservationBack()
    {
        var store = Store();
        var plan = Plan(new LimitsConfig { TokensPerDay = 1000, UsdTotal = 5m }, tokens: 400, usd: 2m);

        var (ticket, _) = await store.AdmitAsync(plan, default);
        await store.ReleaseAsync(ticket!, default);
        await store.ReleaseAsync(ticket!, default);

        var usage = store.Usage(plan.Scopes[0]);
        Assert.Equal((0L, 0m, 0L), (usage.TokensToday, usage.UsdTotal, usage.InFlight));
    }

    [Fact]
    public async Task Admission_IsAllOrNothingAcrossScopes()
    {
        var store = Store();
        var key = new QuotaScope("key:k", "key k", new LimitsConfig { Rpm = 100 }, TimeZoneInfo.Utc);
        var group = new QuotaScope("group:g", "group g", new LimitsConfig { Rpm = 1 }, TimeZoneInfo.Utc);
        var plan = new QuotaPlan([key, group], 1, 0m);

        Assert.NotNull((await store.AdmitAsync(plan, default)).Ticket);
        var (_, denial) = await store.AdmitAsync(plan, default);

        Assert.Equal("group g: rpm 1 per minute", denial!.Message);
        Assert.Equal(1, store.Usage(key).RequestsLastMinute);
    }

    [Fact]
    public async Task ConcurrentRequests_NeverOvershootTheCap()
    {
        var store = Store();
        var plan = Plan(new LimitsConfig { Rpm = 50 });

        var results = await Task.WhenAll(Enumerable.Range(0, 400).Select(_ => Task.Run(async () => (await store.AdmitAsync(plan, default)).Ticket)));

        Assert.Equal(50, results.Count(t => t is not null));
    }

    [Fact]
    public async Task Headers_ReportTheTightestRequestAndTokenLimits()
    {
        var store = Store();
        var plan = new QuotaPlan(
        [
            new QuotaScope("key:k", "key k", new LimitsConfig { Rpm = 10, Tpm = 1000 }, TimeZoneInfo.Utc),
            new QuotaScope("group:g", "group g", new LimitsConfig { Rpm = 3 }, TimeZoneInfo.Utc),
        ], 100, 0m);

        var (ticket, _) = await store.AdmitAsync(plan, default);

        Assert.Equal(new RateHeaders(3, 2, 1000, 900), ticket!.Headers);
    }
}
