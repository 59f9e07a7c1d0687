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

using var runner = new LoadRunner(options);
if (options.Warmup > TimeSpan.Zero)
{
    await runner.RunAsync(options.Warmup);
}

using var self = Process.GetCurrentProcess();
var clientCpuBefore = self.TotalProcessorTime;
var serverCpuBefore = CpuOf(watched);
var clock = Stopwatch.StartNew();
var stats = await runner.RunAsync(options.Duration);
var elapsed = clock.Elapsed.TotalSeconds;
self.Refresh();
var clientCpu = self.TotalProcessorTime - clientCpuBefore;
var serverCpu = CpuOf(watched) - serverCpuBefore;

using (var stdout = Console.OpenStandardOutput())
using (var json = new Utf8JsonWriter(stdout))
{
    var completed = Math.Max(1, stats.Completed);
    json.WriteStartObject();
    json.WriteString("url", options.Url.ToString());
    json.WriteBoolean("stream", options.Stream);
    json.WriteNumber("concurrency", options.Concurrency);
    json.WriteNumber("seconds", Math.Round(elapsed, 3));
    json.WriteNumber("requests", stats.Latency.Count);
    json.WriteNumber("errors", stats.Errors);
    json.WriteNumber("status_errors", stats.StatusErrors);
    json.WriteNumber("missing_done", stats.MissingDone);
    json.WriteNumber("exceptions", stats.Exceptions);
    json.WriteNumber("sent_total", runner.Sent);
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
if (stats.FirstError is { } firstError)
{
    await Console.Error.WriteLineAsync($"LoadGen: {stats.Errors} errors against {options.Url}; first: {firstError}");
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
