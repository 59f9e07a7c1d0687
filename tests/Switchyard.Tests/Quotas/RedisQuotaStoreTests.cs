using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Configuration;
using Switchyard.Quotas;
using Switchyard.Resp;
using Switchyard.Tests.Resp;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Quotas;

/// <summary>The shared limits store against a real Redis server; two stores stand for two gateway instances.</summary>
public sealed class RedisQuotaStoreTests : IAsyncLifetime
{
    private readonly List<RedisLink> _links = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var link in _links)
        {
            await link.DisposeAsync();
        }
    }

    /// <param name="lifetime">How long a reservation lives unsettled (the store's own default when null).</param>
    private RedisQuotaStore Store(bool failOpen = true, RedisOptions? options = null, TimeProvider? time = null, TimeSpan? lifetime = null)
    {
        var link = new RedisLink(options ?? TestRedis.Options, NullLoggerFactory.Instance, TimeProvider.System);
        _links.Add(link);
        return new RedisQuotaStore(link, failOpen, new MemoryQuotaStore(TimeProvider.System), time ?? TimeProvider.System, NullLogger<RedisQuotaStore>.Instance,
            lifetime ?? RedisQuotaStore.ReservationLifetime);
    }

    /// <summary>Requests at once, spread over the instances in turn; each admitted one settles with 7 tokens.</summary>
    private static Task<QuotaTicket?[]> BurstAsync(RedisQuotaStore[] stores, QuotaPlan plan, int requests) =>
        Task.WhenAll(Enumerable.Range(0, requests).Select(i => Task.Run(async () =>
        {
            var store = stores[i % stores.Length];
            var (ticket, _) = await store.AdmitAsync(plan, default);
            if (ticket is not null)
            {
                await store.SettleAsync(ticket, 7, 0m, default);
            }
            return ticket;
        })));

    /// <summary>Scope ids unique to the test, so runs and tests never share counters.</summary>
    private static QuotaPlan Plan(LimitsConfig limits, long tokens = 10, decimal usd = 0m) =>
        new([new QuotaScope("test:" + Guid.NewGuid().ToString("N"), "key k", limits, TimeZoneInfo.Utc)], tokens, usd);

    [Fact]
    public async Task Rpm_ACallCountedUnderAnEarlierSecondThanOthers_StillSeesThem()
    {
        // Two instances, or two calls of one overtaking each other on the way to Redis, at the turn of a second:
        // the late call's second is behind requests already counted under the next one.
        var now = DateTimeOffset.UtcNow;
        var second = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var ahead = Store(time: new ManualTimeProvider(second.AddSeconds(1)));
        var behind = Store(time: new ManualTimeProvider(second.AddMilliseconds(999)));
        var plan = Plan(new LimitsConfig { Rpm = 5 });

        for (var i = 0; i < 5; i++)
        {
            Assert.NotNull((await ahead.AdmitAsync(plan, default)).Ticket);
        }
        var (ticket, denial) = await behind.AdmitAsync(plan, default);

        Assert.Null(ticket);
        Assert.Equal("key k: rpm 5 per minute", denial!.Message);
        Assert.InRange(denial.RetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Rpm_SharedByTwoInstances_AdmitsExactlyTheLimit()
    {
        var a = Store();
        var b = Store();
        var plan = Plan(new LimitsConfig { Rpm = 50 });

        var results = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(async () =>
            (await (i % 2 == 0 ? a : b).AdmitAsync(plan, default)).Ticket)));

        Assert.Equal(50, results.Count(t => t is not null));
        var (_, denial) = await a.AdmitAsync(plan, default);
        Assert.Equal("key k: rpm 50 per minute", denial!.Message);
        Assert.InRange(denial.RetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task ConcurrentRequests_ShareRoundTrips_AndThreeInstancesStillAdmitExactlyTheLimit()
    {
        var stores = new[] { Store(), Store(), Store() };
        // Two scopes per request, as a key inside a group: both must hold, and each admits exactly its limit.
        var group = new QuotaScope("test:" + Guid.NewGuid().ToString("N"), "group g", new LimitsConfig { Rpm = 400, Tpm = 1_000_000 }, TimeZoneInfo.Utc);
        var key = new QuotaScope("test:" + Guid.NewGuid().ToString("N"), "key k", new LimitsConfig { Rpm = 250 }, TimeZoneInfo.Utc);
        var plan = new QuotaPlan([key, group], 10, 0m);

        var results = await BurstAsync(stores, plan, 900);

        Assert.Equal(250, results.Count(t => t is not null));
        Assert.Equal(250, (await stores[0].UsageAsync(key, default)).RequestsLastMinute);
        Assert.Equal(250, (await stores[1].UsageAsync(group, default)).RequestsLastMinute);
        // Every settlement replaced its reservation with the true 7 tokens.
        Assert.Equal(250 * 7, (await stores[2].UsageAsync(group, default)).TokensLastMinute);
        // 900 admissions and 250 settlements went in far fewer calls than operations.
        var calls = stores.Sum(s => s.RedisCalls);
        Assert.True(calls < 1150 / 2, $"{calls} Redis calls for 1150 operations");
    }

    [Fact]
    public async Task DollarBudget_SettledExactly_AndNeverOverspentBeyondOneReservation()
    {
        var a = Store();
        var b = Store();
        var plan = Plan(new LimitsConfig { UsdTotal = 1m }, usd: 0.2m);

        var spent = 0m;
        var admitted = 0;
        for (var i = 0; i < 20; i++)
        {
            var store = i % 2 == 0 ? a : b;
            if ((await store.AdmitAsync(plan, default)).Ticket is { } ticket)
            {
                admitted++;
                spent += 0.123456789m;
                await store.SettleAsync(ticket, 100, 0.123456789m, default);
            }
        }

        // 0.123456789 per call: 7 calls spend 0.864197523, and an eighth reservation of 0.2 would pass 1.
        Assert.Equal(7, admitted);
        Assert.Equal(0.864197523m, spent);
    }

    [Fact]
    public async Task MaxParallel_AndRelease_FreeSlots()
    {
        var store = Store();
        var plan = Plan(new LimitsConfig { MaxParallel = 2, TokensPerDay = 1000 }, tokens: 300);

        var (first, _) = await store.AdmitAsync(plan, default);
        Assert.NotNull((await store.AdmitAsync(plan, default)).Ticket);
        Assert.Equal("max_parallel", (await store.AdmitAsync(plan, default)).Denial!.Limit);

        await store.ReleaseAsync(first!, default);
        var (third, _) = await store.AdmitAsync(plan, default);

        Assert.NotNull(third);
        await store.SettleAsync(third!, 300, 0m, default);
        // 600 tokens counted today (one live reservation, one settled call); a fourth call brings it to 900.
        Assert.NotNull((await store.AdmitAsync(plan, default)).Ticket);
        Assert.Equal("tokens_per_day", (await store.AdmitAsync(plan, default)).Denial!.Limit);
    }

    [Fact]
    public async Task Tpm_TrueUsageReplacesTheReservation()
    {
        var store = Store();
        var plan = Plan(new LimitsConfig { Tpm = 100 }, tokens: 90);

        var (ticket, _) = await store.AdmitAsync(plan, default);
        Assert.Equal("tpm", (await store.AdmitAsync(plan, default)).Denial!.Limit);
        await store.SettleAsync(ticket!, 5, 0m, default);

        Assert.NotNull((await store.AdmitAsync(plan, default)).Ticket);
        var usage = await store.UsageAsync(plan.Scopes[0], default);
        Assert.Equal((2L, 95L, 95L, 1L), (usage.RequestsLastMinute, usage.TokensLastMinute, usage.TokensToday, usage.InFlight));
    }

    [Fact]
    public async Task RedisDown_FailOpenUsesMemory_FailClosedRefuses()
    {
        // Port 9 on loopback refuses connections: Redis is down.
        var down = TestRedis.Options with { Port = 9, ConnectTimeout = TimeSpan.FromMilliseconds(500) };
        var open = Store(failOpen: true, options: down);
        var closed = Store(failOpen: false, options: down);
        var plan = Plan(new LimitsConfig { Rpm = 1 });

        var (ticket, _) = await open.AdmitAsync(plan, default);
        var (_, denial) = await open.AdmitAsync(plan, default);

        Assert.NotNull(ticket);
        Assert.Equal("rpm", denial!.Limit);
        Assert.Equal(2, open.Fallbacks);
        await Assert.ThrowsAsync<QuotaUnavailableException>(async () => await closed.AdmitAsync(plan, default));
    }

    [Fact]
    public async Task CrashedInstance_ReservationsExpireOnTheirOwn()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var link = new RedisLink(TestRedis.Options, NullLoggerFactory.Instance, time);
        _links.Add(link);
        var crashed = new RedisQuotaStore(link, true, new MemoryQuotaStore(time), time, NullLogger<RedisQuotaStore>.Instance, TimeSpan.FromMinutes(1));
        var survivor = new RedisQuotaStore(link, true, new MemoryQuotaStore(time), time, NullLogger<RedisQuotaStore>.Instance);
        var plan = Plan(new LimitsConfig { TokensPerDay = 500, MaxParallel = 1, UsdTotal = 1m }, tokens: 300, usd: 0.6m);

        Assert.NotNull((await crashed.AdmitAsync(plan, default)).Ticket);
        // The instance that reserved dies without settling: its reservation blocks others…
        Assert.NotNull((await survivor.AdmitAsync(plan, default)).Denial);
        time.Advance(TimeSpan.FromMinutes(2));
        // …until it expires, when the next admission takes it back.
        var (ticket, denial) = await survivor.AdmitAsync(plan, default);

        Assert.Null(denial);
        await survivor.SettleAsync(ticket!, 100, 0.2m, default);
        var usage = await survivor.UsageAsync(plan.Scopes[0], default);
        Assert.Equal((100L, 0.2m, 0L), (usage.TokensToday, usage.UsdTotal, usage.InFlight));
    }

    /// <summary>
    /// A daily limit in the scope's own time zone: its counter holds through the local day, late in it too (where the
    /// store asks the zone again), a new one starts at local midnight, and a clock set back finds the old day's again.
    /// </summary>
    [Fact]
    public async Task DailyTokens_InTheScopesZone_StartAfreshAtLocalMidnight()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        // Noon in Shanghai (UTC+8).
        var time = new ManualTimeProvider(new DateTimeOffset(2030, 3, 14, 4, 0, 0, TimeSpan.Zero));
        var link = new RedisLink(TestRedis.Options, NullLoggerFactory.Instance, time);
        _links.Add(link);
        var store = new RedisQuotaStore(link, true, new MemoryQuotaStore(time), time, NullLogger<RedisQuotaStore>.Instance);
        var plan = new QuotaPlan([new QuotaScope("test:" + Guid.NewGuid().ToString("N"), "key k", new LimitsConfig { TokensPerDay = 100 }, shanghai)], 60, 0m);

        var (first, _) = await store.AdmitAsync(plan, default);
        await store.SettleAsync(first!, 60, 0m, default);
        time.Advance(TimeSpan.FromHours(6));
        Assert.Equal("tokens_per_day", (await store.AdmitAsync(plan, default)).Denial?.Limit);
        // 23:59 local: the same day, 60 of 100 used.
        time.Advance(TimeSpan.FromHours(5) + TimeSpan.FromMinutes(59));
        Assert.Equal("tokens_per_day", (await store.AdmitAsync(plan, default)).Denial?.Limit);
        // 00:01 local, the next day (still 14 March in UTC): a new day's counter.
        time.Advance(TimeSpan.FromMinutes(2));
        var (next, denial) = await store.AdmitAsync(plan, default);
        Assert.Null(denial);
        await store.SettleAsync(next!, 70, 0m, default);
        Assert.Equal(70L, (await store.UsageAsync(plan.Scopes[0], default)).TokensToday);
        // Two hours on, the same new day; then the clock set back to the evening before finds that day's 60 again.
        time.Advance(TimeSpan.FromHours(2));
        Assert.Equal("tokens_per_day", (await store.AdmitAsync(plan, default)).Denial?.Limit);
        time.Advance(TimeSpan.FromHours(-4));
        Assert.Equal(60L, (await store.UsageAsync(plan.Scopes[0], default)).TokensToday);
    }

    [Fact]
    public async Task SettlingAfterExpiry_CountsTheUsageOnce()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var link = new RedisLink(TestRedis.Options, NullLoggerFactory.Instance, time);
        _links.Add(link);
        var slow = new RedisQuotaStore(link, false, new MemoryQuotaStore(time), time, NullLogger<RedisQuotaStore>.Instance, TimeSpan.FromMinutes(1));
        var plan = Plan(new LimitsConfig { TokensPerDay = 10_000 }, tokens: 300);

        var steps = new List<long>();
        async Task Step() => steps.Add((await slow.UsageAsync(plan.Scopes[0], default)).TokensToday);
        var (late, _) = await slow.AdmitAsync(plan, default);
        await Step();
        time.Advance(TimeSpan.FromMinutes(2));
        var (other, _) = await slow.AdmitAsync(plan, default);
        await Step();
        await slow.SettleAsync(late!, 40, 0m, default);
        await Step();
        await slow.SettleAsync(other!, 60, 0m, default);
        await Step();

        Assert.Equal([300L, 300L, 340L, 100L], steps);
    }

    /// <summary>Limits far above the traffic, as most are: leases admit and settle without a round trip each.</summary>
    private static readonly LimitsConfig Roomy = new() { Rpm = 1_000_000, Tpm = 1_000_000_000, TokensPerDay = 10_000_000_000, UsdPerDay = 1_000m };

    [Fact]
    public async Task Leases_FarFromTheLimits_SpareRoundTrips_AndTheCountersEndExact()
    {
        var store = Store();
        var plan = Plan(Roomy, tokens: 100, usd: 0.001m);

        for (var i = 0; i < 2_000; i++)
        {
            var (ticket, denial) = await store.AdmitAsync(plan, default);
            Assert.Null(denial);
            await store.SettleAsync(ticket!, 70, 0.0007m, default);
        }

        Assert.True(store.LeasedAdmissions > 1_500, $"{store.LeasedAdmissions} of 2000 admitted from leases");
        Assert.True(store.RedisCalls < 400, $"{store.RedisCalls} Redis calls for 2000 admissions and settlements");
        // Once the leases are back, the counters hold exactly the true usage: what a lease did not spend went back,
        // and the leased requests' settlements replaced their estimates.
        await store.FlushAsync(endLeases: true, default);
        var usage = await Store().UsageAsync(plan.Scopes[0], default);
        Assert.Equal((2_000L, 140_000L, 140_000L, 1.4m), (usage.RequestsLastMinute, usage.TokensLastMinute, usage.TokensToday, usage.UsdToday));
    }

    [Fact]
    public async Task Leases_ThreeInstances_NeverAdmitPastTheLimit_AndReachItExactlyOnceTheyAreBack()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        // A clock that stands still: the leases stay in their second for the whole test.
        var stores = new[] { Store(time: time), Store(time: time), Store(time: time) };
        var plan = Plan(new LimitsConfig { Rpm = 2_000 });
        // Each instance's first admission goes to Redis and takes a lease of 16 more.
        foreach (var store in stores)
        {
            Assert.NotNull((await store.AdmitAsync(plan, default)).Ticket);
        }

        var results = await BurstAsync(stores, plan, 3_000);

        var admitted = 3 + results.Count(t => t is not null);
        Assert.InRange(admitted, 1, 2_000);
        Assert.True(stores.Sum(s => s.LeasedAdmissions) >= 48, $"{stores.Sum(s => s.LeasedAdmissions)} admissions came from leases");
        foreach (var store in stores)
        {
            await store.FlushAsync(endLeases: true, default);
        }
        Assert.Equal(admitted, (await stores[0].UsageAsync(plan.Scopes[0], default)).RequestsLastMinute);
        // With every lease back, one instance admits exactly what is left, and then refuses.
        while ((await stores[1].AdmitAsync(plan, default)).Ticket is not null)
        {
            admitted++;
        }
        Assert.Equal(2_000, admitted);
        await stores[1].FlushAsync(endLeases: true, default);
        Assert.Equal(2_000, (await stores[2].UsageAsync(plan.Scopes[0], default)).RequestsLastMinute);
    }

    [Fact]
    public async Task Leases_GoBackAtAGracefulStop()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var stopping = Store(time: time);
        var plan = Plan(new LimitsConfig { Rpm = 1_000 });

        Assert.NotNull((await stopping.AdmitAsync(plan, default)).Ticket);
        // The admission leased 15 more requests (1/64 of the 999 left), counted at once.
        Assert.Equal(16, (await Store(time: time).UsageAsync(plan.Scopes[0], default)).RequestsLastMinute);
        await stopping.DisposeAsync();

        Assert.Equal(1, (await Store(time: time).UsageAsync(plan.Scopes[0], default)).RequestsLastMinute);
    }

    [Fact]
    public async Task Leases_OfACrashedInstance_KeepWhatItReported_AndTheRestGoesBackWhenTheyExpire()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var crashed = Store(time: time, lifetime: TimeSpan.FromMinutes(1));
        var survivor = Store(time: time);
        var plan = Plan(Roomy, tokens: 100, usd: 0.01m);

        Assert.NotNull((await crashed.AdmitAsync(plan, default)).Ticket);
        for (var i = 0; i < 5; i++)
        {
            Assert.NotNull((await crashed.AdmitAsync(plan, default)).Ticket);
        }
        await crashed.FlushAsync(endLeases: false, default);
        await crashed.CrashAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull((await crashed.AdmitAsync(plan, default)).Ticket);
        }
        Assert.Equal(8, crashed.LeasedAdmissions);
        // While its lease is alive the whole lease stays counted: 1 admission and 16 leased requests' estimates.
        Assert.Equal(1_700L, (await survivor.UsageAsync(plan.Scopes[0], default)).TokensToday);
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.NotNull((await survivor.AdmitAsync(plan, default)).Ticket);
        await survivor.FlushAsync(endLeases: true, default);

        // The 5 reported leased requests stay counted; the admission that never settled, the 3 unreported requests
        // and the lease's unspent rest went back; the survivor's own admission counts.
        var usage = await survivor.UsageAsync(plan.Scopes[0], default);
        Assert.Equal((600L, 0.06m), (usage.TokensToday, usage.UsdToday));
    }
}
