namespace Switchyard.Resilience;

public enum CircuitState
{
    Closed,
    Open,
    HalfOpen,
}

/// <summary>
/// The run-time health of one channel key: its circuit breaker (closed → open after <c>allowed_fails</c> failures
/// within a sliding minute, or an error rate of at least <c>failure_rate</c> over at least <c>min_requests</c> calls in
/// that minute → half-open after <c>cooldown</c>, one trial → closed on success), a 429 cool-down,
/// and a disabled flag after the upstream refused its credentials. State belongs to the key, not the channel:
/// one bad key must not take its siblings down.
/// <para>
/// Failures are attributed to their caller (the virtual key's group). A key shared by tenants does not open when
/// every failure in the window came from one caller while another caller succeeded on it within the window: that
/// is one tenant's requests failing, not the key, and opening would switch the key off for everyone. Failures from
/// two or more callers, unattributed ones (health probes), or a lone caller with no one else succeeding open it as
/// before. Only the last success of the two most recent distinct callers is kept, written without a lock.
/// </para>
/// </summary>
public sealed class KeyHealth(string channel, int keyIndex, int allowedFails, TimeSpan cooldown, TimeProvider time,
    double failureRate = 1.0, int minRequests = int.MaxValue)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Lock _gate = new();
    private static readonly TimeSpan SuccessRefresh = TimeSpan.FromSeconds(1);
    private readonly Queue<(DateTimeOffset At, string? Caller)> _recentFailures = new();
    private SuccessMarks? _successes;
    private CircuitState _state = CircuitState.Closed;
    private DateTimeOffset _openUntil;
    private DateTimeOffset _coolUntil;
    private int _trialInFlight;
    private volatile bool _clean = true;
    private long _openings;

    public string Channel { get; } = channel;
    public int KeyIndex { get; } = keyIndex;

    /// <summary>Stable id for the ledger and the admin view: never the key itself.</summary>
    public string Id => $"{Channel}#{KeyIndex}";

    public string? DisabledReason { get; private set; }

    /// <summary>How many times the circuit opened from closed (a failed half-open trial re-opens without counting).</summary>
    public long Openings => Interlocked.Read(ref _openings);

    public KeyStats Stats { get; } = new(time);

    /// <summary>The last health probe of this key, if any ran.</summary>
    public HealthProbeResult? LastProbe { get; set; }

    public CircuitState State
    {
        get
        {
            lock (_gate)
            {
                return _state == CircuitState.Open && time.GetUtcNow() >= _openUntil ? CircuitState.HalfOpen : _state;
            }
        }
    }

    public DateTimeOffset? CoolingUntil
    {
        get
        {
            lock (_gate)
            {
                return _coolUntil > time.GetUtcNow() ? _coolUntil : null;
            }
        }
    }

    /// <summary>
    /// Whether a request may use this key now. A half-open key admits exactly one trial at a time;
    /// the caller that gets true for it must report the outcome.
    /// </summary>
    public bool TryAcquire()
    {
        // Healthy keys — the hot path — take no lock.
        if (_clean)
        {
            return true;
        }
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (DisabledReason is not null || _coolUntil > now)
            {
                return false;
            }
            switch (_state)
            {
                case CircuitState.Closed:
                    return true;
                case CircuitState.Open when now < _openUntil:
                    return false;
                default:
                    _state = CircuitState.HalfOpen;
                    if (_trialInFlight > 0)
                    {
                        return false;
                    }
                    _trialInFlight = 1;
                    return true;
            }
        }
    }

    /// <summary>Whether the key could serve now, without claiming a half-open trial.</summary>
    public bool IsAvailable()
    {
        if (_clean)
        {
            return true;
        }
        lock (_gate)
        {
            var now = time.GetUtcNow();
            return DisabledReason is null && _coolUntil <= now
                && (_state == CircuitState.Closed || (now >= _openUntil && _trialInFlight == 0));
        }
    }

    /// <param name="caller">Who made the call (the key's group); null when no caller is known.</param>
    public void OnSuccess(string? caller = null)
    {
        if (caller is not null)
        {
            NoteSuccess(caller);
        }
        if (_clean)
        {
            return;
        }
        lock (_gate)
        {
            _trialInFlight = 0;
            _state = CircuitState.Closed;
            _recentFailures.Clear();
            UpdateClean();
        }
    }

    /// <summary>A health probe got through: an open circuit closes without waiting for its trial request.</summary>
    public void OnProbeSucceeded()
    {
        if (_clean)
        {
            return;
        }
        lock (_gate)
        {
            if (_state != CircuitState.Closed)
            {
                _state = CircuitState.Closed;
                _trialInFlight = 0;
                _recentFailures.Clear();
                UpdateClean();
            }
        }
    }

    /// <summary>5xx, timeouts and connection failures count toward the circuit.</summary>
    /// <param name="caller">Who made the failing call (the key's group); null (a health probe) is evidence about the key itself.</param>
    public void OnFailure(string? caller = null)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            _clean = false;
            if (_state == CircuitState.HalfOpen || (_state == CircuitState.Open && now >= _openUntil))
            {
                Open(now);
                return;
            }
            _recentFailures.Enqueue((now, caller));
            while (_recentFailures.Count > 0 && now - _recentFailures.Peek().At > Window)
            {
                _recentFailures.Dequeue();
            }
            if ((_recentFailures.Count >= allowedFails || RateTooHigh()) && !OneCallerFailsWhileOthersSucceed(now))
            {
                Open(now);
            }
        }
    }

    /// <summary>A 429: this key rests for the upstream's retry-after (or the configured cooldown).</summary>
    public void OnRateLimited(TimeSpan? retryAfter)
    {
        lock (_gate)
        {
            _clean = false;
            _trialInFlight = 0;
            _coolUntil = time.GetUtcNow() + (retryAfter is { } wait && wait > TimeSpan.Zero ? wait : cooldown);
        }
    }

    /// <summary>A 401/403: the credentials are wrong; no amount of waiting fixes that.</summary>
    public void Disable(string reason)
    {
        lock (_gate)
        {
            _clean = false;
            _trialInFlight = 0;
            DisabledReason = reason;
        }
    }

    /// <summary>An outcome that says nothing about the key's health (a client error, the client leaving).</summary>
    public void Release()
    {
        if (_clean)
        {
            return;
        }
        lock (_gate)
        {
            _trialInFlight = 0;
        }
    }

    /// <summary>Every failure in the window came from one caller, and some other caller succeeded within it.</summary>
    private bool OneCallerFailsWhileOthersSucceed(DateTimeOffset now)
    {
        string? only = null;
        foreach (var (_, caller) in _recentFailures)
        {
            if (caller is null || (only is not null && !string.Equals(only, caller, StringComparison.Ordinal)))
            {
                return false;
            }
            only = caller;
        }
        if (only is null || Volatile.Read(ref _successes) is not { } marks)
        {
            return false;
        }
        return SucceededRecently(marks.Caller, marks.At) || SucceededRecently(marks.Other, marks.OtherAt);

        bool SucceededRecently(string? caller, DateTimeOffset at) =>
            caller is not null && !string.Equals(caller, only, StringComparison.Ordinal) && now - at <= Window;
    }

    /// <summary>
    /// Records a caller's success. Lock-free on the hot path: a repeated caller within a second writes nothing, and
    /// a lost race only drops a mark another success just refreshed.
    /// </summary>
    private void NoteSuccess(string caller)
    {
        var now = time.GetUtcNow();
        var marks = Volatile.Read(ref _successes);
        if (marks is null)
        {
            Interlocked.CompareExchange(ref _successes, new SuccessMarks(caller, now, null, default), null);
            return;
        }
        var same = string.Equals(marks.Caller, caller, StringComparison.Ordinal);
        if (same && now - marks.At < SuccessRefresh)
        {
            return;
        }
        var next = same ? marks with { At = now } : new SuccessMarks(caller, now, marks.Caller, marks.At);
        Interlocked.CompareExchange(ref _successes, next, marks);
    }

    /// <summary>The last success of the two most recent distinct callers.</summary>
    private sealed record SuccessMarks(string Caller, DateTimeOffset At, string? Other, DateTimeOffset OtherAt);

    /// <summary>The second trigger: a busy key failing often, even if spread out (needs the caller to record stats first).</summary>
    private bool RateTooHigh()
    {
        var (requests, errors) = Stats.LastMinute();
        return requests >= minRequests && errors >= failureRate * requests;
    }

    private void Open(DateTimeOffset now)
    {
        if (_state == CircuitState.Closed)
        {
            Interlocked.Increment(ref _openings);
        }
        _state = CircuitState.Open;
        _openUntil = now + cooldown;
        _trialInFlight = 0;
        _recentFailures.Clear();
    }

    private void UpdateClean() => _clean = DisabledReason is null && _state == CircuitState.Closed && _recentFailures.Count == 0 && _coolUntil <= time.GetUtcNow();
}
