using System.Collections.Concurrent;

namespace Switchyard.Quotas;

/// <summary>
/// Limits for a single instance: per-scope counters in memory, each behind its own lock. A request locks its scopes
/// in a fixed order, checks every limit, and only then reserves on all of them, so admission is all-or-nothing and
/// concurrency cannot overshoot a cap by more than the reservations in flight. Requests per minute and tokens per
/// minute use an exact sliding log; days and months are calendar windows in the scope's time zone.
/// </summary>
public sealed class MemoryQuotaStore(TimeProvider time) : IQuotaStore
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, ScopeState> _states = new(StringComparer.Ordinal);

    public ValueTask<(QuotaTicket? Ticket, QuotaDenial? Denial)> AdmitAsync(QuotaPlan plan, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var states = Lock(plan);
        try
        {
            foreach (var (scope, state) in states)
            {
                if (state.Check(scope, plan, now) is { } denial)
                {
                    return ValueTask.FromResult<(QuotaTicket?, QuotaDenial?)>((null, denial));
                }
            }
            long? requestLimit = null, requestsLeft = null, tokenLimit = null, tokensLeft = null;
            var ticket = new QuotaTicket(plan, now);
            foreach (var (scope, state) in states)
            {
                state.Reserve(scope, plan, now, ticket);
                Tightest(ref requestLimit, ref requestsLeft, scope.Limits.Rpm, scope.Limits.Rpm - state.RequestsInWindow);
                Tightest(ref tokenLimit, ref tokensLeft, scope.Limits.Tpm, scope.Limits.Tpm - state.TokensInWindow);
            }
            ticket.Headers = new RateHeaders(requestLimit, requestsLeft, tokenLimit, tokensLeft);
            return ValueTask.FromResult<(QuotaTicket?, QuotaDenial?)>((ticket, null));
        }
        finally
        {
            Unlock(states);
        }
    }

    public ValueTask SettleAsync(QuotaTicket ticket, long tokens, decimal usd, CancellationToken cancellationToken)
    {
        Close(ticket, tokens, usd);
        return ValueTask.CompletedTask;
    }

    public ValueTask ReleaseAsync(QuotaTicket ticket, CancellationToken cancellationToken)
    {
        Close(ticket, 0, 0m);
        return ValueTask.CompletedTask;
    }

    public ValueTask<QuotaUsage> UsageAsync(QuotaScope scope, CancellationToken cancellationToken) => ValueTask.FromResult(Usage(scope));

    /// <summary>Current usage of one scope, for the admin views.</summary>
    public QuotaUsage Usage(QuotaScope scope)
    {
        var state = _states.GetOrAdd(scope.Id, _ => new ScopeState());
        lock (state)
        {
            state.Prune(time.GetUtcNow(), scope);
            return state.Snapshot();
        }
    }

    private void Close(QuotaTicket ticket, long tokens, decimal usd)
    {
        if (!ticket.TryClose())
        {
            return;
        }
        var states = Lock(ticket.Plan);
        try
        {
            var now = time.GetUtcNow();
            foreach (var (scope, state) in states)
            {
                state.Prune(now, scope);
                state.Settle(scope, ticket, tokens, usd);
            }
        }
        finally
        {
            Unlock(states);
        }
    }

    private List<(QuotaScope Scope, ScopeState State)> Lock(QuotaPlan plan)
    {
        // A fixed order (by id) makes concurrent requests over overlapping scopes deadlock-free.
        var states = plan.Scopes.OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => (s, _states.GetOrAdd(s.Id, _ => new ScopeState())))
            .ToList();
        foreach (var (_, state) in states)
        {
            Monitor.Enter(state);
        }
        return states;
    }

    private static void Unlock(List<(QuotaScope Scope, ScopeState State)> states)
    {
        for (var i = states.Count - 1; i >= 0; i--)
        {
            Monitor.Exit(states[i].State);
        }
    }

    private static void Tightest(ref long? limit, ref long? left, long? candidateLimit, long? candidateLeft)
    {
        if (candidateLimit is null || (left is not null && candidateLeft >= left))
        {
            return;
        }
        limit = candidateLimit;
        left = Math.Max(0, candidateLeft!.Value);
    }

    internal static TimeSpan UntilNextDay(DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var next = new DateTimeOffset(local.Date.AddDays(1), zone.GetUtcOffset(local.Date.AddDays(1)));
        return next - now;
    }

    internal static TimeSpan UntilNextMonth(DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var first = new DateTime(local.Year, local.Month, 1).AddMonths(1);
        return new DateTimeOffset(first, zone.GetUtcOffset(first)) - now;
    }

    /// <summary>One scope's counters. Callers hold its monitor.</summary>
    private sealed class ScopeState
    {
        private readonly Queue<long> _requests = new();
        private readonly LinkedList<(long At, long Tokens)> _tokens = new();
        private long _tokenSum;
        private string _day = "", _month = "";
        private long _dayTokens, _monthTokens, _inFlight;
        private decimal _dayUsd, _monthUsd, _totalUsd;

        public long RequestsInWindow => _requests.Count;
        public long TokensInWindow => _tokenSum;

        public void Prune(DateTimeOffset now, QuotaScope scope)
        {
            var since = (now - Minute).ToUnixTimeMilliseconds();
            while (_requests.Count > 0 && _requests.Peek() <= since)
            {
                _requests.Dequeue();
            }
            while (_tokens.First is { } first && first.Value.At <= since)
            {
                _tokenSum -= first.Value.Tokens;
                _tokens.RemoveFirst();
            }
            var local = TimeZoneInfo.ConvertTime(now, scope.TimeZone);
            var day = local.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var month = day[..7];
            if (day != _day)
            {
                _day = day;
                _dayTokens = 0;
                _dayUsd = 0;
            }
            if (month != _month)
            {
                _month = month;
                _monthTokens = 0;
                _monthUsd = 0;
            }
        }

        public QuotaDenial? Check(QuotaScope scope, QuotaPlan plan, DateTimeOffset now)
        {
            Prune(now, scope);
            var limits = scope.Limits;
            var untilMidnight = MemoryQuotaStore.UntilNextDay(now, scope.TimeZone);
            if (limits.Rpm is { } rpm && _requests.Count >= rpm)
            {
                return new QuotaDenial(scope.Label, "rpm", "per minute", rpm, WaitFor(_requests.Peek(), now));
            }
            if (limits.Tpm is { } tpm && _tokens.Count > 0 && TokensInWindow + plan.EstimatedTokens > tpm)
            {
                return new QuotaDenial(scope.Label, "tpm", "per minute", tpm, WaitFor(_tokens.First!.Value.At, now));
            }
            if (limits.TokensPerDay is { } perDay && _dayTokens + plan.EstimatedTokens > perDay)
            {
                return new QuotaDenial(scope.Label, "tokens_per_day", "per day", perDay, untilMidnight);
            }
            if (limits.TokensPerMonth is { } perMonth && _monthTokens + plan.EstimatedTokens > perMonth)
            {
                return new QuotaDenial(scope.Label, "tokens_per_month", "per month", perMonth, MemoryQuotaStore.UntilNextMonth(now, scope.TimeZone));
            }
            if (limits.UsdPerDay is { } usdDay && _dayUsd + plan.EstimatedUsd > usdDay)
            {
                return new QuotaDenial(scope.Label, "usd_per_day", "per day", usdDay, untilMidnight);
            }
            if (limits.UsdPerMonth is { } usdMonth && _monthUsd + plan.EstimatedUsd > usdMonth)
            {
                return new QuotaDenial(scope.Label, "usd_per_month", "per month", usdMonth, MemoryQuotaStore.UntilNextMonth(now, scope.TimeZone));
            }
            if (limits.UsdTotal is { } usdTotal && _totalUsd + plan.EstimatedUsd > usdTotal)
            {
                return new QuotaDenial(scope.Label, "usd_total", "in total", usdTotal, TimeSpan.Zero);
            }
            if (limits.MaxParallel is { } parallel && _inFlight >= parallel)
            {
                return new QuotaDenial(scope.Label, "max_parallel", "requests at once", parallel, TimeSpan.FromSeconds(1));
            }
            return null;
        }

        public void Reserve(QuotaScope scope, QuotaPlan plan, DateTimeOffset now, QuotaTicket ticket)
        {
            var at = now.ToUnixTimeMilliseconds();
            _requests.Enqueue(at);
            // The ticket keeps its node, so settlement corrects this entry without searching the window.
            ticket.Entries[scope.Id] = _tokens.AddLast((at, plan.EstimatedTokens));
            _tokenSum += plan.EstimatedTokens;
            _dayTokens += plan.EstimatedTokens;
            _monthTokens += plan.EstimatedTokens;
            _dayUsd += plan.EstimatedUsd;
            _monthUsd += plan.EstimatedUsd;
            _totalUsd += plan.EstimatedUsd;
            _inFlight++;
        }

        /// <summary>
        /// Replaces the reservation with the true usage. A day or month that rolled over since admission no longer
        /// holds the reservation, so the new one is charged the whole usage.
        /// </summary>
        public void Settle(QuotaScope scope, QuotaTicket ticket, long tokens, decimal usd)
        {
            var plan = ticket.Plan;
            var reservedDay = TimeZoneInfo.ConvertTime(ticket.ReservedAt, scope.TimeZone).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var sameDay = reservedDay == _day;
            var sameMonth = reservedDay[..7] == _month;
            _inFlight = Math.Max(0, _inFlight - 1);
            _dayTokens += tokens - (sameDay ? plan.EstimatedTokens : 0);
            _dayUsd += usd - (sameDay ? plan.EstimatedUsd : 0);
            _monthTokens += tokens - (sameMonth ? plan.EstimatedTokens : 0);
            _monthUsd += usd - (sameMonth ? plan.EstimatedUsd : 0);
            _totalUsd += usd - plan.EstimatedUsd;
            // A node already pruned from the window (List is null) no longer counts.
            if (ticket.Entries.GetValueOrDefault(scope.Id) is LinkedListNode<(long At, long Tokens)> { List: not null } node)
            {
                _tokenSum += tokens - node.Value.Tokens;
                node.Value = node.Value with { Tokens = tokens };
            }
        }

        public QuotaUsage Snapshot() => new(_requests.Count, TokensInWindow, _dayTokens, _monthTokens, _dayUsd, _monthUsd, _totalUsd, _inFlight);

        private static TimeSpan WaitFor(long oldestMs, DateTimeOffset now) =>
            TimeSpan.FromMilliseconds(Math.Max(0, oldestMs + (long)Minute.TotalMilliseconds - now.ToUnixTimeMilliseconds()));
    }
}

/// <summary>A scope's counters as the admin views show them.</summary>
public sealed record QuotaUsage(long RequestsLastMinute, long TokensLastMinute, long TokensToday, long TokensThisMonth,
    decimal UsdToday, decimal UsdThisMonth, decimal UsdTotal, long InFlight);
