using System.Globalization;
using System.Text;

namespace Switchyard.Bench;

/// <summary>Command-line options of the load generator.</summary>
internal sealed record LoadOptions(
    Uri Url,
    string Key,
    byte[] Body,
    bool Stream,
    int Concurrency,
    TimeSpan Duration,
    TimeSpan Warmup,
    int? WatchPid,
    int Intervals = 1,
    Uri? PrimeUrl = null,
    TimeSpan PrimeSeconds = default,
    Uri? WaitReady = null)
{
    public const string Usage = """
        LoadGen: a closed-loop HTTP load generator for chat completions.
          --url URL            endpoint to POST to (default http://127.0.0.1:4100/v1/chat/completions)
          --key KEY            bearer key (default bench-key)
          --stream             ask for SSE and require "[DONE]" in every response
          --model NAME         model in the default body (default gpt-4o-mini)
          --body JSON          request body instead of the default one (must match --stream)
          --concurrency N      workers, each with one request in flight (default 16)
          --seconds S          measured duration (default 10)
          --warmup S           unmeasured run before it (default 2)
          --watch-pid PID      also report that process's CPU per request and memory over the measured run
          --intervals N        split the measured run into N equal runs on the same connections, a line each
          --prime-url URL      first load this other endpoint (its own connections) for --prime-seconds, so this
          --prime-seconds S    process's own first-run costs are paid before the measurement (default 2)
          --wait-ready URL     then poll this URL every 10 ms until it answers 200, and start at once
        Prints one JSON line per interval: requests, errors, rps, latency and time-to-first-byte percentiles in ms.
        """;

    public static LoadOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var stream = false;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--stream")
            {
                stream = true;
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                values[arg[2..]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }
        }

        string Get(string name, string fallback) => values.Remove(name, out var value) ? value : fallback;
        double Seconds(string name, string fallback)
        {
            var text = Get(name, fallback);
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0
                ? s
                : throw new ArgumentException($"--{name} must be a non-negative number, got '{text}'");
        }

        var url = Get("url", "http://127.0.0.1:4100/v1/chat/completions");
        var key = Get("key", "bench-key");
        var model = Get("model", "gpt-4o-mini");
        var body = Get("body", DefaultBody(model, stream));
        var concurrencyText = Get("concurrency", "16");
        var seconds = Seconds("seconds", "10");
        var warmup = Seconds("warmup", "2");
        var pidText = Get("watch-pid", "");
        var intervalsText = Get("intervals", "1");
        var primeText = Get("prime-url", "");
        var primeSeconds = Seconds("prime-seconds", "2");
        var readyText = Get("wait-ready", "");
        if (values.Count > 0)
        {
            throw new ArgumentException($"unknown option --{values.Keys.First()}");
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"--url must be an absolute http(s) URL, got '{url}'");
        }
        if (!int.TryParse(concurrencyText, NumberStyles.None, CultureInfo.InvariantCulture, out var concurrency) || concurrency < 1)
        {
            throw new ArgumentException($"--concurrency must be a positive integer, got '{concurrencyText}'");
        }
        int? pid = null;
        if (pidText.Length > 0)
        {
            pid = int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var p)
                ? p
                : throw new ArgumentException($"--watch-pid must be a process id, got '{pidText}'");
        }
        if (!int.TryParse(intervalsText, NumberStyles.None, CultureInfo.InvariantCulture, out var intervals) || intervals < 1)
        {
            throw new ArgumentException($"--intervals must be a positive integer, got '{intervalsText}'");
        }
        Uri? Absolute(string name, string text) => text.Length == 0 ? null
            : Uri.TryCreate(text, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? u
            : throw new ArgumentException($"--{name} must be an absolute http(s) URL, got '{text}'");
        return new LoadOptions(uri, key, Encoding.UTF8.GetBytes(body), stream, concurrency,
            TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(warmup), pid, intervals, Absolute("prime-url", primeText),
            TimeSpan.FromSeconds(primeSeconds), Absolute("wait-ready", readyText));
    }

    private static string DefaultBody(string model, bool stream) =>
        $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Say hello to the benchmark in a few words."}]}""";
}
