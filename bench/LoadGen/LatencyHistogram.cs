using System.Numerics;

namespace Switchyard.Bench;

/// <summary>
/// A fixed-size log-linear histogram of durations in nanoseconds (HdrHistogram's layout): values below 2048 ns
/// have a slot each, every octave above is split into 1024 slots, so a recorded value is off by at most 1/2048
/// of itself (0.05 %). Recording is lock-free and allocates nothing; any number of workers may record at once.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 11;
    private const int SubBucketCount = 1 << SubBucketBits;
    private const int HalfCount = SubBucketCount / 2;
    private const int HighestBit = 40; // 2^40 ns ≈ 18 minutes; anything longer is clamped
    private const long MaxTrackable = (1L << HighestBit) - 1;
    private const int Length = SubBucketCount + (HighestBit - SubBucketBits) * HalfCount;

    private readonly long[] _counts = new long[Length];
    private long _total;
    private long _max;

    public long Count => Volatile.Read(ref _total);

    public void Record(long nanoseconds)
    {
        var value = Math.Clamp(nanoseconds, 0, MaxTrackable);
        Interlocked.Increment(ref _counts[IndexOf(value)]);
        Interlocked.Increment(ref _total);
        var max = Volatile.Read(ref _max);
        while (value > max)
        {
            var seen = Interlocked.CompareExchange(ref _max, value, max);
            if (seen == max)
            {
                break;
            }
            max = seen;
        }
    }

    /// <summary>The value at quantile <paramref name="quantile"/> (0..1] in milliseconds; 0 when empty.</summary>
    public double QuantileMs(double quantile)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }
        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(MidpointOf(i), Volatile.Read(ref _max)) / 1e6;
            }
        }
        return MaxMs;
    }

    public double MaxMs => Volatile.Read(ref _max) / 1e6;

    internal static int IndexOf(long value)
    {
        if (value < SubBucketCount)
        {
            return (int)value;
        }
        // Shift the value so that it lands in [HalfCount, SubBucketCount): its top bit becomes bit 10.
        var shift = 63 - BitOperations.LeadingZeroCount((ulong)value) - (SubBucketBits - 1);
        return SubBucketCount + (shift - 1) * HalfCount + (int)((value >> shift) - HalfCount);
    }

    internal static long MidpointOf(int index)
    {
        if (index < SubBucketCount)
        {
            return index;
        }
        var shift = (index - SubBucketCount) / HalfCount + 1;
        long sub = (index - SubBucketCount) % HalfCount + HalfCount;
        return (sub << shift) + (1L << (shift - 1));
    }
}
