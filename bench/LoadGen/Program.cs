using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Switchyard.Bench;

// A closed-loop load generator: N workers send the same request back to back for a fixed time.
// Prints one JSON line: requests, errors, rps, latency and time-to-first-byte percentiles (ms).
var options = LoadOptions.Parse(args);
using var handler = new SocketsHttpHandler
{
    UseProxy = false,
    MaxConnectionsPerServer = int.MaxValue,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    AutomaticDecompression = DecompressionMethods.None,
};
using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
var body = Encoding.UTF8.GetBytes(options.Body);

async Task<(bool Ok, double TtfbMs)> SendAsync(byte[] buffer)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, options.Url) { Content = new ByteArrayContent(body) };
    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Key);
    var started = Stopwatch.GetTimestamp();
    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    await using var stream = await response.Content.ReadAsStreamAsync();
    double ttfb = -1;
    var carry = "";
    var sawDone = false;
    int read;
    while ((read = await stream.ReadAsync(buffer)) > 0)
    {
        if (ttfb < 0)
        {
            ttfb = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        if (options.Stream && !sawDone)
        {
            // "[DONE]" may straddle two reads: search the previous read's tail together with this one.
            var text = carry + Encoding.ASCII.GetString(buffer, 0, read);
            sawDone = text.Contains("[DONE]", StringComparison.Ordinal);
            carry = text.Length > 8 ? text[^8..] : text;
        }
    }
    var ok = response.StatusCode == HttpStatusCode.OK && (!options.Stream || sawDone);
    return (ok, ttfb);
}

async Task RunAsync(TimeSpan duration, Recorder? recorder)
{
    var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
    var workers = Enumerable.Range(0, options.Concurrency).Select(async _ =>
    {
        var buffer = new byte[16 * 1024];
        while (Stopwatch.GetTimestamp() < until)
        {
            var started = Stopwatch.GetTimestamp();
            bool ok;
            double ttfb;
            try
            {
                (ok, ttfb) = await SendAsync(buffer);
            }
            catch (HttpRequestException)
            {
                (ok, ttfb) = (false, -1);
            }
            recorder?.Add(ok, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ttfb);
        }
    });
    await Task.WhenAll(workers);
}

await RunAsync(TimeSpan.FromSeconds(options.WarmupSeconds), null);
var recorder = new Recorder();
var clock = Stopwatch.StartNew();
await RunAsync(TimeSpan.FromSeconds(options.Seconds), recorder);
Console.WriteLine(recorder.Summary(clock.Elapsed.TotalSeconds));

namespace Switchyard.Bench
{
    internal sealed record LoadOptions(string Url, string Key, string Body, bool Stream, int Concurrency, double Seconds, double WarmupSeconds)
    {
        public static LoadOptions Parse(string[] args)
        {
            string Arg(string name, string fallback)
            {
                var i = Array.IndexOf(args, "--" + name);
                return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
            }
            var stream = Array.IndexOf(args, "--stream") >= 0;
            var model = Arg("model", "gpt-4o-mini");
            var defaultBody = $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Say hello to the benchmark in a few words."}]}""";
            return new LoadOptions(
                Arg("url", "http://127.0.0.1:4100/v1/chat/completions"),
                Arg("key", "bench-key"),
                Arg("body", defaultBody),
                stream,
                int.Parse(Arg("concurrency", "16"), CultureInfo.InvariantCulture),
                double.Parse(Arg("seconds", "10"), CultureInfo.InvariantCulture),
                double.Parse(Arg("warmup", "2"), CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Collects every latency; sorted once at the end (a run is at most a few million samples).</summary>
    internal sealed class Recorder
    {
        private readonly Lock _gate = new();
        private readonly List<double> _latencies = new(1 << 16);
        private readonly List<double> _ttfb = new(1 << 16);
        private long _errors;

        public void Add(bool ok, double latencyMs, double ttfbMs)
        {
            lock (_gate)
            {
                if (!ok)
                {
                    _errors++;
                    return;
                }
                _latencies.Add(latencyMs);
                if (ttfbMs >= 0)
                {
                    _ttfb.Add(ttfbMs);
                }
            }
        }

        public string Summary(double seconds)
        {
            _latencies.Sort();
            _ttfb.Sort();
            static double P(List<double> sorted, double q) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
            var f = CultureInfo.InvariantCulture;
            return string.Format(f,
                "{{\"requests\":{0},\"errors\":{1},\"rps\":{2:0.0},\"p50_ms\":{3:0.000},\"p90_ms\":{4:0.000},\"p99_ms\":{5:0.000},\"max_ms\":{6:0.000},\"ttfb_p50_ms\":{7:0.000},\"ttfb_p99_ms\":{8:0.000}}}",
                _latencies.Count, _errors, _latencies.Count / seconds, P(_latencies, 0.50), P(_latencies, 0.90), P(_latencies, 0.99),
                _latencies.Count == 0 ? 0 : _latencies[^1], P(_ttfb, 0.50), P(_ttfb, 0.99));
        }
    }
}
