using System.Diagnostics;
using System.Text.Json;
using Switchyard.Bench;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(LoadOptions.Usage);
    return 0;
}

LoadOptions options;
Process? watched;
try
{
    options = LoadOptions.Parse(args);
    watched = options.WatchPid is int pid ? Process.GetProcessById(pid) : null;
}
catch (ArgumentException exception)
{
    await Console.Error.WriteLineAsync($"LoadGen: {exception.Message}\n\n{LoadOptions.Usage}");
    return 2;
}

if (options.PrimeUrl is { } primeUrl && options.PrimeSeconds > TimeSpan.Zero)
{
    using var primer = new LoadRunner(options with { Url = primeUrl });
    await primer.RunAsync(options.PrimeSeconds);
}
if (options.WaitReady is { } readyUrl)
{
    using var probe = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
    var giveUp = Stopwatch.StartNew();
    while (true)
    {
        try
        {
            using var ready = await probe.GetAsync(readyUrl);
            if (ready.IsSuccessStatusCode)
            {
                break;
            }
        }
        catch (HttpRequestException)
        {
        }
        catch (TaskCanceledException)
        {
        }
        if (giveUp.Elapsed > TimeSpan.FromMinutes(2))
        {
            await Console.Error.WriteLineAsync($"LoadGen: {readyUrl} never answered 200");
            return 1;
        }
        await Task.Delay(10);
    }
}

using var runner = new LoadRunner(options);
if (options.Warmup > TimeSpan.Zero)
{
    await runner.RunAsync(options.Warmup);
}

using var self = Process.GetCurrentProcess();
long reportedSent = 0;
RunStats? last = null;
for (var interval = 0; interval < options.Intervals; interval++)
{
    var clientCpuBefore = self.TotalProcessorTime;
    var serverCpuBefore = CpuOf(watched);
    var clock = Stopwatch.StartNew();
    var stats = await runner.RunAsync(options.Duration / options.Intervals);
    var elapsed = clock.Elapsed.TotalSeconds;
    self.Refresh();
    var clientCpu = self.TotalProcessorTime - clientCpuBefore;
    var serverCpu = CpuOf(watched) - serverCpuBefore;
    var sent = runner.Sent - reportedSent;
    reportedSent = runner.Sent;
    last = stats;

    using (var stdout = Console.OpenStandardOutput())
    using (var json = new Utf8JsonWriter(stdout))
    {
        var completed = Math.Max(1, stats.Completed);
        json.WriteStartObject();
        json.WriteString("url", options.Url.ToString());
        json.WriteBoolean("stream", options.Stream);
        json.WriteNumber("concurrency", options.Concurrency);
        if (options.Intervals > 1)
        {
            json.WriteNumber("interval", interval + 1);
        }
        json.WriteNumber("seconds", Math.Round(elapsed, 3));
        json.WriteNumber("requests", stats.Latency.Count);
        json.WriteNumber("errors", stats.Errors);
        json.WriteNumber("status_errors", stats.StatusErrors);
        json.WriteNumber("missing_done", stats.MissingDone);
        json.WriteNumber("exceptions", stats.Exceptions);
        // Sent since the previous line (the first includes the warm-up): the lines of a run sum to what it sent.
        json.WriteNumber("sent_total", sent);
        json.WriteNumber("rps", Math.Round(stats.Latency.Count / elapsed, 1));
        json.WriteNumber("p50_ms", Math.Round(stats.Latency.QuantileMs(0.50), 3));
        json.WriteNumber("p90_ms", Math.Round(stats.Latency.QuantileMs(0.90), 3));
        json.WriteNumber("p99_ms", Math.Round(stats.Latency.QuantileMs(0.99), 3));
        json.WriteNumber("max_ms", Math.Round(stats.Latency.MaxMs, 3));
        json.WriteNumber("ttfb_p50_ms", Math.Round(stats.TimeToFirstByte.QuantileMs(0.50), 3));
        json.WriteNumber("ttfb_p99_ms", Math.Round(stats.TimeToFirstByte.QuantileMs(0.99), 3));
        json.WriteNumber("client_cpu_us_per_req", Math.Round(clientCpu.TotalMicroseconds / completed, 1));
        if (watched is not null)
        {
            watched.Refresh();
            json.WriteNumber("server_pid", watched.Id);
            json.WriteNumber("server_cpu_s", Math.Round(serverCpu.TotalSeconds, 3));
            json.WriteNumber("server_cpu_us_per_req", Math.Round(serverCpu.TotalMicroseconds / completed, 1));
            json.WriteNumber("server_rss_mib", Math.Round(watched.WorkingSet64 / 1048576.0, 1));
            json.WriteNumber("server_peak_rss_mib", Math.Round(watched.PeakWorkingSet64 / 1048576.0, 1));
        }
        json.WriteEndObject();
    }
    Console.WriteLine();
}
if (last?.FirstError is { } firstError)
{
    await Console.Error.WriteLineAsync($"LoadGen: {last.Errors} errors against {options.Url}; first: {firstError}");
}
watched?.Dispose();
return 0;

static TimeSpan CpuOf(Process? process)
{
    if (process is null)
    {
        return TimeSpan.Zero;
    }
    process.Refresh();
    return process.TotalProcessorTime;
}
