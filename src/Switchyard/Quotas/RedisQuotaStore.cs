using System.Globalization;
using Microsoft.Extensions.Logging;
using Switchyard.Resp;

namespace Switchyard.Quotas;

/// <summary>
/// Limits shared by every instance: a Lua script call admits (all scopes, atomically) and one settles, and the
/// calls of concurrent requests share one round trip (<see cref="QuotaBatcher"/>). Far from its limits a scope is
/// leased (<see cref="QuotaLeases"/>): most requests are then admitted and settled here, without a round trip. When Redis
/// cannot be reached, <c>fail_open</c> falls back to this instance's own memory limits (logged) and
/// <c>fail_closed</c> refuses with 503; either way the next request tries Redis again, so recovery needs no restart.
/// </summary>
public sealed partial class RedisQuotaStore(RedisLink redis, bool failOpen, MemoryQuotaStore fallback, TimeProvider time, ILogger<RedisQuotaStore> logger)
    : IQuotaStore, IAsyncDisposable
{
    /// <summary>How long an in-flight reservation holds a max_parallel slot if its instance dies before settling.</summary>
    public static readonly TimeSpan ReservationLifetime = TimeSpan.FromMinutes(15);

    private readonly TimeSpan _lifetime = ReservationLifetime;

    /// <summary>For tests: a store whose reservations expire sooner, to stand in for a crashed instance.</summary>
    internal RedisQuotaStore(RedisLink redis, bool failOpen, MemoryQuotaStore fallback, TimeProvider time, ILogger<RedisQuotaStore> logger, TimeSpan lifetime)
        : this(redis, failOpen, fallback, time, logger) => _lifetime = lifetime;

    private long _fallbacks;

    private readonly QuotaBatcher _batches = new(redis);
    private readonly QuotaLeases _leases = new();
    private ITimer? _reporter;
    private int _reporting;

    /// <summary>Script calls to Redis so far (for tests).</summary>
    internal long RedisCalls => _batches.Calls;

    /// <summary>Requests admitted from leases, without a call to Redis (for tests).</summary>
    internal long LeasedAdmissions => _leases.Drawn;

    /// <summary>Admissions served from memory because Redis was unreachable (for metrics and tests).</summary>
    public long Fallbacks => Interlocked.Read(ref _fallbacks);

    public async ValueTask<(QuotaTicket? Ticket, QuotaDenial? Denial)> AdmitAsync(QuotaPlan plan, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var second = now.ToUnixTimeSeconds();
        var keySets = KeySets(plan, now);
        var nanoUsd = Nano(plan.EstimatedUsd);
        var leasable = Leasable(plan);
        if (leasable)
        {
            StartReporting();
            if (_leases.TryDraw(plan, keySets, second, plan.EstimatedTokens, nanoUsd, out var headers))
            {
                return (new QuotaTicket(plan, now) { Issuer = this, Leased = true, Headers = headers, KeySets = keySets }, null);
            }
        }
        var ask = leasable ? _leases.BeginAsk(plan, second) : 0;
        var ticket = new QuotaTicket(plan, now) { Issuer = this, RedisId = NewReservationId(), KeySets = keySets };
        var leaseId = ask > 0 ? NewReservationId() : "-";
        var args = new List<RedisArg>(10 + (plan.Scopes.Count * (1 + QuotaScripts.LimitsPerScope)))
        {
            "a",
            now.ToUnixTimeMilliseconds(),
            second,
            plan.EstimatedTokens,
            nanoUsd,
            ticket.RedisId,
            (now + _lifetime).ToUnixTimeMilliseconds(),
            ask,
            leaseId,
            plan.Scopes.Count,
        };
        var operation = new BatchedOperation(keySets, args);
        foreach (var scope in plan.Scopes)
        {
            var l = scope.Limits;
            operation.AddKeySetSlot();
            args.Add(l.Rpm ?? -1);
            args.Add(l.Tpm ?? -1);
            args.Add(l.TokensPerDay ?? -1);
            args.Add(l.TokensPerMonth ?? -1);
            args.Add(l.UsdPerDay is { } a ? Nano(a) : -1);
            args.Add(l.UsdPerMonth is { } b ? Nano(b) : -1);
            args.Add(l.UsdTotal is { } c ? Nano(c) : -1);
            args.Add(l.MaxParallel ?? -1);
        }
        RespValue result;
        try
        {
            result = await _batches.RunAsync(operation, _leases.TakeReturns(), cancellationToken);
        }
        catch (RedisException e)
        {
            _leases.EndAsk(plan);
            return await FallBackAsync(plan, e, cancellationToken);
        }
        catch (OperationCanceledException) when (ask > 0)
        {
            // The call still runs: a lease it brings is taken when it arrives, so it goes back in time.
            _ = operation.Reply.Task.ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully && t.Result[0].AsInt64() == 0)
                {
                    _leases.Install(plan, keySets, second, leaseId, t.Result, plan.EstimatedTokens, nanoUsd);
                }
                else
                {
                    _leases.EndAsk(plan);
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
        if (result[0].AsInt64() == 1)
        {
            _leases.EndAsk(plan);
            var scope = plan.Scopes[(int)result[1].AsInt64()];
            var limit = result[2].AsString()!;
            var retry = result[3].AsInt64() switch
            {
                -1 => MemoryQuotaStore.UntilNextDay(now, scope.TimeZone),
                -2 => MemoryQuotaStore.UntilNextMonth(now, scope.TimeZone),
                var ms => TimeSpan.FromMilliseconds(ms),
            };
            return (null, new QuotaDenial(scope.Label, limit, Window(limit), LimitValue(scope.Limits, limit), retry));
        }
        if (ask > 0)
        {
            _leases.Install(plan, keySets, second, leaseId, result, plan.EstimatedTokens, nanoUsd);
        }
        ticket.Headers = new RateHeaders(
            result[1].AsInt64() is >= 0 and var rl ? rl : null, result[1].AsInt64() >= 0 ? Math.Max(0, result[2].AsInt64()) : null,
            result[3].AsInt64() is >= 0 and var tl ? tl : null, result[3].AsInt64() >= 0 ? Math.Max(0, result[4].AsInt64()) : null);
        return (ticket, null);
    }

    public async ValueTask SettleAsync(QuotaTicket ticket, long tokens, decimal usd, CancellationToken cancellationToken)
    {
        if (ticket.Issuer is MemoryQuotaStore memory)
        {
            await memory.SettleAsync(ticket, tokens, usd, cancellationToken);
            return;
        }
        if (!ticket.TryClose())
        {
            return;
        }
        var plan = ticket.Plan;
        // The admission's key sets: usage counts in the day and month the request started in.
        var keySets = ticket.KeySets ?? KeySets(plan, ticket.ReservedAt);
        if (ticket.Leased)
        {
            _leases.Settle(keySets, ticket.ReservedAt.ToUnixTimeSeconds(), tokens - plan.EstimatedTokens, Nano(usd) - Nano(plan.EstimatedUsd));
            return;
        }
        var args = new List<RedisArg>(8 + plan.Scopes.Count)
        {
            "s", ticket.RedisId!, ticket.ReservedAt.ToUnixTimeSeconds(), plan.EstimatedTokens, Nano(plan.EstimatedUsd), tokens, Nano(usd), plan.Scopes.Count,
        };
        var operation = new BatchedOperation(keySets, args);
        for (var i = 0; i < plan.Scopes.Count; i++)
        {
            operation.AddKeySetSlot();
        }
        try
        {
            await _batches.RunAsync(operation, cancellationToken);
        }
        catch (RedisException e)
        {
            // The reservation stays counted (the safe side) and its parallel slot frees itself when it expires.
            LogSettleFailed(logger, e.Message);
        }
    }

    /// <summary>Scopes with a parallel limit are never leased: a slot is held for a request's whole life, not a second.</summary>
    private static bool Leasable(QuotaPlan plan)
    {
        foreach (var scope in plan.Scopes)
        {
            if (scope.Limits.MaxParallel is not null)
            {
                return false;
            }
        }
        return true;
    }

    private void StartReporting()
    {
        if (_reporter is null && Interlocked.Exchange(ref _reporting, 1) == 0)
        {
            // Real time even under a test clock: reports must flow whatever the clock says.
            _reporter = TimeProvider.System.CreateTimer(_ => Report(), null, QuotaLeases.ReportEvery, QuotaLeases.ReportEvery);
        }
    }

    /// <summary>Sends the leases' reports, returns and settlement sums (one call, shared with whatever else is queued).</summary>
    private void Report()
    {
        if (PostReports(endLeases: false) is { } operations)
        {
            _ = ObserveAsync(operations);
        }
    }

    /// <returns>The operations queued, or null when there was nothing to report.</returns>
    private List<BatchedOperation>? PostReports(bool endLeases)
    {
        var operations = _leases.TakeReports(time.GetUtcNow().ToUnixTimeSeconds(), endLeases);
        if (operations is not null)
        {
            _batches.Post(operations);
        }
        return operations;
    }

    private async Task ObserveAsync(List<BatchedOperation> operations)
    {
        try
        {
            await Task.WhenAll(operations.Select(o => o.Reply.Task));
        }
        catch (RedisException e)
        {
            // Spent shares and settlement sums not reported stay as the leases counted them (their estimates); a lease
            // not returned is taken back by the next admission once it expires.
            LogSettleFailed(logger, e.Message);
        }
    }

    /// <summary>Everything this instance holds or owes reported to Redis now (for the admin views and tests).</summary>
    internal async Task FlushAsync(bool endLeases, CancellationToken cancellationToken)
    {
        if (PostReports(endLeases) is { } operations)
        {
            await Task.WhenAll(operations.Select(o => o.Reply.Task)).WaitAsync(cancellationToken);
        }
    }

    /// <summary>For tests: stops reporting without returning anything, as a killed process would (a report under way finishes first).</summary>
    internal ValueTask CrashAsync() => _reporter?.DisposeAsync() ?? ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_reporter is { } reporter)
        {
            await reporter.DisposeAsync();
        }
        try
        {
            // Leases go back at a graceful stop, so other instances get their room at once.
            await FlushAsync(endLeases: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogSettleFailed(logger, e.Message);
        }
    }

    public ValueTask ReleaseAsync(QuotaTicket ticket, CancellationToken cancellationToken) => SettleAsync(ticket, 0, 0m, cancellationToken);

    public async ValueTask<QuotaUsage> UsageAsync(QuotaScope scope, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await FlushAsync(endLeases: false, cancellationToken);
        var connection = await redis.GetAsync(cancellationToken);
        var values = await connection.EvalShaAsync(QuotaScripts.Peek, [.. KeySets(new QuotaPlan([scope], 0, 0m), now)[0].Select(k => (RedisArg)k)],
            [now.ToUnixTimeMilliseconds(), now.ToUnixTimeSeconds()], cancellationToken);
        return new QuotaUsage(values[0].AsInt64(), values[1].AsInt64(), values[2].AsInt64(), values[3].AsInt64(),
            values[4].AsInt64() / 1_000_000_000m, values[5].AsInt64() / 1_000_000_000m, values[6].AsInt64() / 1_000_000_000m, values[7].AsInt64());
    }

    private async ValueTask<(QuotaTicket?, QuotaDenial?)> FallBackAsync(QuotaPlan plan, RedisException error, CancellationToken cancellationToken)
    {
        if (!failOpen)
        {
            throw new QuotaUnavailableException("The shared limits store (Redis) cannot be reached, and the gateway is configured to refuse requests then (storage.redis_failure: fail_closed).", error);
        }
        Interlocked.Increment(ref _fallbacks);
        LogFailingOpen(logger, error.Message);
        var (ticket, denial) = await fallback.AdmitAsync(plan, cancellationToken);
        if (ticket is not null)
        {
            ticket.Issuer = fallback;
        }
        return (ticket, denial);
    }

    /// <summary>Each scope's eight keys as of <paramref name="at"/> (its day and month in the scope's time zone).</summary>
    private static string[][] KeySets(QuotaPlan plan, DateTimeOffset at)
    {
        var sets = new string[plan.Scopes.Count][];
        for (var i = 0; i < sets.Length; i++)
        {
            sets[i] = KeySet(plan.Scopes[i], at);
        }
        return sets;
    }

    /// <summary>
    /// A reservation's member in the in-flight set: unique among the reservations alive at once across instances, not
    /// secret, so <see cref="Random.Shared"/> (128 bits) rather than a GUID, which costs a system call per admission.
    /// </summary>
    private static string NewReservationId()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>
    /// The keys change only when the scope's local day does, so each scope's set is made once a day and shared by its
    /// requests (the batcher then recognises a set by reference), and is used without converting the time to the
    /// scope's zone while the instant is well inside that day (an hour off either end, which covers any daylight-saving
    /// shift). Bounded: past 10,000 scopes the cache starts over.
    /// </summary>
    private static string[] KeySet(QuotaScope scope, DateTimeOffset at)
    {
        var cacheKey = (scope.Id, scope.TimeZone.Id);
        var cached = KeySetCache.GetValueOrDefault(cacheKey);
        if (cached.Keys is not null && at >= cached.From && at < cached.Until)
        {
            return cached.Keys;
        }
        var local = TimeZoneInfo.ConvertTime(at, scope.TimeZone);
        var day = DateOnly.FromDateTime(local.DateTime);
        var from = at - local.TimeOfDay + TimeSpan.FromHours(1);
        var until = at + (local.Date.AddDays(1) - local.DateTime) - TimeSpan.FromHours(1);
        if (cached.Keys is not null && cached.Day == day)
        {
            KeySetCache[cacheKey] = cached with { From = from, Until = until };
            return cached.Keys;
        }
        var prefix = "sy:q:" + scope.Id;
        string[] keys =
        [
            prefix + ":rpm", prefix + ":tpm", prefix + ":d:" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            prefix + ":m:" + day.ToString("yyyy-MM", CultureInfo.InvariantCulture), prefix + ":usd", prefix + ":par", prefix + ":res",
            prefix + ":lse",
        ];
        if (KeySetCache.Count >= 10_000)
        {
            KeySetCache.Clear();
        }
        KeySetCache[cacheKey] = new CachedKeySet(day, keys, from, until);
        return keys;
    }

    /// <param name="From">From this instant to <paramref name="Until"/>, <paramref name="Keys"/> are the day's without asking the time zone.</param>
    private readonly record struct CachedKeySet(DateOnly Day, string[] Keys, DateTimeOffset From, DateTimeOffset Until);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Scope, string TimeZone), CachedKeySet> KeySetCache = new();

    /// <summary>Dollars as integer nano-dollars: exact sums in Redis; a request's cost rounds by at most half a nano-dollar.</summary>
    public static long Nano(decimal usd) => (long)decimal.Round(usd * 1_000_000_000m, MidpointRounding.ToEven);

    private static string Window(string limit) => limit switch
    {
        "rpm" or "tpm" => "per minute",
        "tokens_per_day" or "usd_per_day" => "per day",
        "tokens_per_month" or "usd_per_month" => "per month",
        "usd_total" => "in total",
        _ => "requests at once",
    };

    private static decimal LimitValue(Configuration.LimitsConfig l, string limit) => limit switch
    {
        "rpm" => l.Rpm ?? 0,
        "tpm" => l.Tpm ?? 0,
        "tokens_per_day" => l.TokensPerDay ?? 0,
        "tokens_per_month" => l.TokensPerMonth ?? 0,
        "usd_per_day" => l.UsdPerDay ?? 0,
        "usd_per_month" => l.UsdPerMonth ?? 0,
        "usd_total" => l.UsdTotal ?? 0,
        _ => l.MaxParallel ?? 0,
    };

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Redis unreachable; limits fall back to this instance's memory: {Reason}")]
    private static partial void LogFailingOpen(ILogger logger, string reason);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Quota settlement in Redis failed; the reservation stays counted: {Reason}")]
    private static partial void LogSettleFailed(ILogger logger, string reason);
}
