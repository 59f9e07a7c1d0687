namespace Switchyard.Resilience;

/// <summary>
/// Recent traffic of one channel key for the admin view: requests and errors over the last minute in one-second
/// buckets, and the latency of the last 256 calls. Lock-free; readers tolerate a torn bucket.
/// </summary>
public sealed class KeyStats(TimeProvider time)
{
    private const int Seconds = 60;
    private const int Samples = 256;
    private readonly long[] _bucketSecond = new long[Seconds];
    private readonly int[] _requests = new int[Seconds];
    private readonly int[] _errors = new int[Seconds];
    private readonly int[] _latencies = new int[Samples];
    private long _latencyCount;

    public void Record(bool ok, long latencyMs)
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        var slot = (int)(second % Seconds);
        var previous = Interlocked.Exchange(ref _bucketSecond[slot], second);
        if (previous != second)
        {
            // First write into this second: the slot still holds counts from a minute ago.
            Interlocked.Exchange(ref _requests[slot], 0);
            Interlocked.Exchange(ref _errors[slot], 0);
        }
        Interlocked.Increment(ref _requests[slot]);
        if (!ok)
        {
            Interlocked.Increment(ref _errors[slot]);
        }
        var index = Interlocked.Increment(ref _latencyCount) - 1;
        _latencies[index % Samples] = (int)Math.Min(latencyMs, int.MaxValue);
    }

    public (int Requests, int Errors) LastMinute()
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        int requests = 0, errors = 0;
        for (var i = 0; i < Seconds; i++)
        {
            if (now - Volatile.Read(ref _bucketSecond[i]) < Seconds)
            {
                requests += Volatile.Read(ref _requests[i]);
                errors += Volatile.Read(ref _errors[i]);
            }
        }
        return (requests, errors);
    }

    /// <returns>p50 and p95 of the recent latencies in milliseconds, or null with no samples.</returns>
    public (long P50, long P95)? Latency()
    {
        var count = (int)Math.Min(Interlocked.Read(ref _latencyCount), Samples);
        if (count == 0)
        {
            return null;
        }
        var sorted = _latencies[..count];
        Array.Sort(sorted);
        return (sorted[(int)Math.Ceiling(0.50 * count) - 1], sorted[(int)Math.Ceiling(0.95 * count) - 1]);
    }
}
