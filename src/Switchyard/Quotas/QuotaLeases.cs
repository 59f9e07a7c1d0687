using Switchyard.Resp;

namespace Switchyard.Quotas;

/// <summary>
/// This instance's leases on shared limits: slices of a scope's budget taken from Redis for the rest of the current
/// second (requests, tokens and nano-dollars, counted there when taken) and spent here without a round trip. A
/// request is admitted locally only when every scope of its plan has a lease of the current second with room for its
/// estimate; otherwise it goes to Redis (and asks for fresh leases on the way). What a lease did not spend goes back
/// when its second is over, with the next call; what it spent is reported every <see cref="ReportEvery"/>, so a
/// crash leaves at most that much unreported. Leased requests' settlements are summed here and sent the same way.
/// </summary>
internal sealed class QuotaLeases
{
    /// <summary>How often spent lease shares, returns of ended leases and settlement sums go to Redis.</summary>
    public static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(100);

    /// <summary>Fewest and most requests a lease asks for; in between, a quarter of the scope's last second here.</summary>
    private const long MinimumAsk = 16;
    private const long MaximumAsk = 4096;

    private readonly object _gate = new();
    private readonly Dictionary<string, ScopeState> _scopes = new(StringComparer.Ordinal);
    private readonly Dictionary<(string[] KeySet, long Second), (long Tokens, long NanoUsd)> _settlements = new();
    private List<BatchedOperation> _outbox = [];

    /// <summary>Requests admitted from leases (for tests).</summary>
    public long Drawn { get; private set; }

    private sealed class ScopeState
    {
        public string? LeaseId;
        public string[]? KeySet;
        public long Second;
        public long Requests, Tokens, NanoUsd;
        public long SpentRequests, SpentTokens, SpentNanoUsd;
        public long ReportedRequests, ReportedTokens, ReportedNanoUsd;
        /// <summary>What the scope's rpm and tpm had left for others when the lease was taken.</summary>
        public long RequestsLeft, TokensLeft;
        public bool Asking;
        public long CountedSecond, ThisSecond, LastSecond;
    }

    /// <summary>
    /// Admits from this instance's leases when every scope has room: the estimate is taken from each, and the
    /// headers say what the leases' snapshot leaves (at most a second old).
    /// </summary>
    public bool TryDraw(QuotaPlan plan, string[][] keySets, long second, long tokens, long nanoUsd, out RateHeaders headers)
    {
        headers = default;
        lock (_gate)
        {
            var all = true;
            for (var i = 0; i < keySets.Length; i++)
            {
                var state = State(plan.Scopes[i].Id, second, counts: true);
                if (state.LeaseId is not null && (state.Second != second || !ReferenceEquals(state.KeySet, keySets[i])))
                {
                    Retire(state);
                }
                all &= state.LeaseId is not null && state.SpentRequests < state.Requests
                    && state.SpentTokens + tokens <= state.Tokens && state.SpentNanoUsd + nanoUsd <= state.NanoUsd;
            }
            if (!all)
            {
                return false;
            }
            long? requestLimit = null, requestsLeft = null, tokenLimit = null, tokensLeft = null;
            for (var i = 0; i < keySets.Length; i++)
            {
                var state = _scopes[plan.Scopes[i].Id];
                state.SpentRequests++;
                state.SpentTokens += tokens;
                state.SpentNanoUsd += nanoUsd;
                // What others had left when the lease was taken, plus what this instance has not spent of it.
                var limits = plan.Scopes[i].Limits;
                var scopeRequestsLeft = state.RequestsLeft + state.Requests - state.SpentRequests;
                var scopeTokensLeft = state.TokensLeft + state.Tokens - state.SpentTokens;
                if (limits.Rpm is { } rpm && (requestsLeft is null || scopeRequestsLeft < requestsLeft))
                {
                    (requestLimit, requestsLeft) = (rpm, scopeRequestsLeft);
                }
                if (limits.Tpm is { } tpm && (tokensLeft is null || scopeTokensLeft < tokensLeft))
                {
                    (tokenLimit, tokensLeft) = (tpm, scopeTokensLeft);
                }
            }
            Drawn++;
            headers = new RateHeaders(requestLimit, requestsLeft, tokenLimit, tokensLeft);
            return true;
        }
    }

    /// <summary>
    /// How many requests of this size to ask leases for along with an admission that went to Redis, or 0 while another
    /// ask for one of the plan's scopes is on its way (one at a time per scope).
    /// </summary>
    public long BeginAsk(QuotaPlan plan, long second)
    {
        lock (_gate)
        {
            long ask = MinimumAsk;
            foreach (var scope in plan.Scopes)
            {
                var state = State(scope.Id, second, counts: false);
                if (state.Asking)
                {
                    return 0;
                }
                ask = Math.Max(ask, Math.Min(MaximumAsk, state.LastSecond / 4));
            }
            foreach (var scope in plan.Scopes)
            {
                _scopes[scope.Id].Asking = true;
            }
            return ask;
        }
    }

    /// <summary>Takes the leases an admission was granted (<c>granted, rpm left, tpm left</c> per scope from index 5).</summary>
    public void Install(QuotaPlan plan, string[][] keySets, long second, string leaseId, RespValue reply, long tokens, long nanoUsd)
    {
        lock (_gate)
        {
            for (var i = 0; i < keySets.Length; i++)
            {
                var state = State(plan.Scopes[i].Id, second, counts: false);
                state.Asking = false;
                var granted = reply.Items.Length > 5 + (3 * i) ? reply[5 + (3 * i)].AsInt64() : 0;
                if (granted <= 0)
                {
                    continue;
                }
                if (state.LeaseId is not null)
                {
                    Retire(state);
                }
                state.LeaseId = leaseId;
                state.KeySet = keySets[i];
                state.Second = second;
                (state.Requests, state.Tokens, state.NanoUsd) = (granted, granted * tokens, granted * nanoUsd);
                (state.SpentRequests, state.SpentTokens, state.SpentNanoUsd) = (0, 0, 0);
                (state.ReportedRequests, state.ReportedTokens, state.ReportedNanoUsd) = (0, 0, 0);
                state.RequestsLeft = reply[6 + (3 * i)].AsInt64();
                state.TokensLeft = reply[7 + (3 * i)].AsInt64();
            }
        }
    }

    /// <summary>An ask that got no answer (Redis failed, or the admission was refused) leaves the scopes free to ask again.</summary>
    public void EndAsk(QuotaPlan plan)
    {
        lock (_gate)
        {
            foreach (var scope in plan.Scopes)
            {
                if (_scopes.TryGetValue(scope.Id, out var state))
                {
                    state.Asking = false;
                }
            }
        }
    }

    /// <summary>A leased request's true usage minus its estimate, summed per key set and second until the next report.</summary>
    public void Settle(string[][] keySets, long second, long tokens, long nanoUsd)
    {
        if (tokens == 0 && nanoUsd == 0)
        {
            return;
        }
        lock (_gate)
        {
            foreach (var keySet in keySets)
            {
                var sum = _settlements.GetValueOrDefault((keySet, second));
                _settlements[(keySet, second)] = (sum.Tokens + tokens, sum.NanoUsd + nanoUsd);
            }
        }
    }

    /// <summary>Returns of leases that ended, taken to go first in the next call (null when there are none).</summary>
    public List<BatchedOperation>? TakeReturns()
    {
        lock (_gate)
        {
            return TakeOutbox();
        }
    }

    /// <summary>
    /// Everything Redis should hear: leases of past seconds returned (all of them when <paramref name="endAll"/>), what
    /// live leases spent since their last report, and the settlement sums. Forgets scopes idle for a few seconds.
    /// </summary>
    public List<BatchedOperation>? TakeReports(long second, bool endAll)
    {
        lock (_gate)
        {
            List<string>? idle = null;
            foreach (var (id, state) in _scopes)
            {
                if (state.LeaseId is not null && (endAll || state.Second != second))
                {
                    Retire(state);
                }
                else if (state.LeaseId is not null && state.SpentRequests > state.ReportedRequests)
                {
                    _outbox.Add(Report(state, final: false));
                }
                else if (state.LeaseId is null && !state.Asking && state.CountedSecond < second - 2)
                {
                    (idle ??= []).Add(id);
                }
            }
            foreach (var id in idle ?? [])
            {
                _scopes.Remove(id);
            }
            foreach (var ((keySet, at), sum) in _settlements)
            {
                var args = new List<RedisArg>(6) { "c", at, sum.Tokens, sum.NanoUsd, 1 };
                var operation = new BatchedOperation([keySet], args);
                operation.AddKeySetSlot();
                _outbox.Add(operation);
            }
            _settlements.Clear();
            return TakeOutbox();
        }
    }

    /// <summary>Under the lock: the queued operations, or null when there are none.</summary>
    private List<BatchedOperation>? TakeOutbox()
    {
        if (_outbox.Count == 0)
        {
            return null;
        }
        var taken = _outbox;
        _outbox = [];
        return taken;
    }

    /// <param name="counts">An admission: counted towards the scope's next ask.</param>
    private ScopeState State(string id, long second, bool counts)
    {
        if (!_scopes.TryGetValue(id, out var state))
        {
            state = new ScopeState { CountedSecond = second };
            _scopes[id] = state;
        }
        if (state.CountedSecond != second)
        {
            state.LastSecond = state.CountedSecond == second - 1 ? state.ThisSecond : 0;
            state.ThisSecond = 0;
            state.CountedSecond = second;
        }
        if (counts)
        {
            state.ThisSecond++;
        }
        return state;
    }

    /// <summary>The lease ends: what it spent since its last report stays counted, the rest goes back.</summary>
    private void Retire(ScopeState state)
    {
        _outbox.Add(Report(state, final: true));
        state.LeaseId = null;
        state.KeySet = null;
    }

    private static BatchedOperation Report(ScopeState state, bool final)
    {
        var args = new List<RedisArg>(9)
        {
            "l", state.LeaseId!, state.Second, final ? 1 : 0, state.SpentRequests - state.ReportedRequests,
            state.SpentTokens - state.ReportedTokens, state.SpentNanoUsd - state.ReportedNanoUsd, 1,
        };
        (state.ReportedRequests, state.ReportedTokens, state.ReportedNanoUsd) = (state.SpentRequests, state.SpentTokens, state.SpentNanoUsd);
        var operation = new BatchedOperation([state.KeySet!], args);
        operation.AddKeySetSlot();
        return operation;
    }
}
