namespace Switchyard.Bench;

/// <summary>What one phase of a run observed: latencies of successful requests, and errors by kind.</summary>
internal sealed class RunStats
{
    private long _statusErrors;
    private long _missingDone;
    private long _exceptions;
    private string? _firstError;

    /// <summary>Send to last body byte of successful requests.</summary>
    public LatencyHistogram Latency { get; } = new();

    /// <summary>Send to first body bytes of successful requests.</summary>
    public LatencyHistogram TimeToFirstByte { get; } = new();

    public long StatusErrors => Volatile.Read(ref _statusErrors);

    public long MissingDone => Volatile.Read(ref _missingDone);

    public long Exceptions => Volatile.Read(ref _exceptions);

    public long Errors => StatusErrors + MissingDone + Exceptions;

    /// <summary>Every request that finished, whatever its outcome.</summary>
    public long Completed => Latency.Count + Errors;

    /// <summary>What went wrong first, for the operator; null when nothing did.</summary>
    public string? FirstError => Volatile.Read(ref _firstError);

    public void Succeeded(long latencyNs, long ttfbNs)
    {
        Latency.Record(latencyNs);
        if (ttfbNs >= 0)
        {
            TimeToFirstByte.Record(ttfbNs);
        }
    }

    public void FailedStatus(int status)
    {
        if (Interlocked.Increment(ref _statusErrors) == 1)
        {
            Interlocked.CompareExchange(ref _firstError, $"HTTP {status}", null);
        }
    }

    public void FailedWithoutDone()
    {
        if (Interlocked.Increment(ref _missingDone) == 1)
        {
            Interlocked.CompareExchange(ref _firstError, "stream ended without [DONE]", null);
        }
    }

    public void Failed(Exception exception)
    {
        if (Interlocked.Increment(ref _exceptions) == 1)
        {
            Interlocked.CompareExchange(ref _firstError, $"{exception.GetType().Name}: {exception.Message}", null);
        }
    }
}
