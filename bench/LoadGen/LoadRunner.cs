using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Switchyard.Bench;

/// <summary>
/// Closed loop: each worker sends the same POST, reads the whole body, records, and sends again until the
/// deadline. All workers share one pooled <see cref="SocketsHttpHandler"/>, so each keeps one connection busy.
/// Beyond what <see cref="HttpClient"/> allocates per request, the loop allocates nothing: the request body,
/// its headers and the read buffer belong to the worker, and the histograms are preallocated.
/// </summary>
internal sealed class LoadRunner : IDisposable
{
    private const byte NoMatch = 0;
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    private readonly LoadOptions _options;
    private readonly SocketsHttpHandler _handler;
    private readonly HttpClient _client;
    private long _sent;

    public LoadRunner(LoadOptions options)
    {
        _options = options;
        _handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = 10_000,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        _client = new HttpClient(_handler, disposeHandler: false)
        {
            Timeout = TimeSpan.FromSeconds(60),
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Key);
    }

    /// <summary>Every request sent so far, warm-up included (what the server should have recorded).</summary>
    public long Sent => Volatile.Read(ref _sent);

    public async Task<RunStats> RunAsync(TimeSpan duration)
    {
        var stats = new RunStats();
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = new Task[_options.Concurrency];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(() => WorkerAsync(until, stats));
        }
        await Task.WhenAll(workers);
        return stats;
    }

    private async Task WorkerAsync(long until, RunStats stats)
    {
        var buffer = new byte[16 * 1024];
        // Sent again and again by this worker only; HttpClient does not dispose request content.
        var content = new ByteArrayContent(_options.Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        while (Stopwatch.GetTimestamp() < until)
        {
            var started = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _sent);
            try
            {
                var request = new HttpRequestMessage(HttpMethod.Post, _options.Url) { Content = content };
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                await using var body = await response.Content.ReadAsStreamAsync();
                long firstByte = -1;
                var done = NoMatch;
                int read;
                while ((read = await body.ReadAsync(buffer)) > 0)
                {
                    if (firstByte < 0)
                    {
                        firstByte = Stopwatch.GetTimestamp();
                    }
                    if (_options.Stream && done < DoneMarker.Length)
                    {
                        done = DoneMarker.Advance(done, buffer.AsSpan(0, read));
                    }
                }
                var ended = Stopwatch.GetTimestamp();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    stats.FailedStatus((int)response.StatusCode);
                }
                else if (_options.Stream && done < DoneMarker.Length)
                {
                    stats.FailedWithoutDone();
                }
                else
                {
                    stats.Succeeded(ToNanoseconds(ended - started), firstByte < 0 ? -1 : ToNanoseconds(firstByte - started));
                }
            }
            catch (Exception exception)
            {
                stats.Failed(exception);
            }
        }
    }

    private static long ToNanoseconds(long ticks) => (long)(ticks * NanosecondsPerTick);

    public void Dispose()
    {
        _client.Dispose();
        _handler.Dispose();
    }
}

/// <summary>Finds "[DONE]" across reads with a one-byte state: how much of the marker the last bytes matched.</summary>
internal static class DoneMarker
{
    private static ReadOnlySpan<byte> Marker => "[DONE]"u8;

    public static int Length => Marker.Length;

    /// <summary>Continues a match of <c>matched</c> bytes through <paramref name="bytes"/>; Length means found.</summary>
    public static byte Advance(byte matched, ReadOnlySpan<byte> bytes)
    {
        var marker = Marker;
        foreach (var b in bytes)
        {
            // '[' occurs once in the marker, so on a mismatch the only possible restart is at this byte.
            matched = b == marker[matched] ? (byte)(matched + 1) : b == marker[0] ? (byte)1 : (byte)0;
            if (matched == marker.Length)
            {
                return matched;
            }
        }
        return matched;
    }
}
