using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Switchyard.Tests.TestSupport;

/// <summary>promtool and a throwaway Prometheus server (installed by scripts/services/prometheus).</summary>
public static class PrometheusTools
{
    /// <summary>Runs promtool with <paramref name="stdin"/> piped in; returns its exit code and combined output.</summary>
    public static async Task<(int ExitCode, string Output)> PromtoolAsync(string? stdin, params string[] arguments)
    {
        var info = new ProcessStartInfo("promtool")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException("promtool did not start (run scripts/services/prometheus install)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The repository root, for files the tests check (deploy/…).</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Switchyard.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}

/// <summary>A Prometheus server on a free loopback port with a temporary data dir, scraping one target every second.</summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _dir;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, DirectoryInfo dir, int port)
    {
        _process = process;
        _dir = dir;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public static async Task<PrometheusServer> StartAsync(Uri target, string? bearerToken)
    {
        var dir = Directory.CreateTempSubdirectory("switchyard-prometheus-");
        var port = PrometheusTools.FreePort();
        var authorization = bearerToken is null ? "" : $"\n    authorization:\n      credentials: {bearerToken}";
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: switchyard
                metrics_path: /metrics{authorization}
                static_configs:
                  - targets: ["{target.Authority}"]
            """);
        var info = new ProcessStartInfo("prometheus")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--config.file=" + Path.Combine(dir.FullName, "prometheus.yml"),
            "--storage.tsdb.path=" + Path.Combine(dir.FullName, "data"),
            $"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        })
        {
            info.ArgumentList.Add(argument);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("prometheus did not start (run scripts/services/prometheus install)");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new PrometheusServer(process, dir, port);
    }

    /// <summary>Polls an instant query until it returns one sample whose value satisfies <paramref name="accept"/>.</summary>
    public async Task<double> QueryUntilAsync(string query, Func<double, bool> accept, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var json = await _http.GetStringAsync("api/v1/query?query=" + Uri.EscapeDataString(query));
                last = json;
                using var document = JsonDocument.Parse(json);
                var result = document.RootElement.GetProperty("data").GetProperty("result");
                if (result.GetArrayLength() == 1)
                {
                    var value = double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
                    if (accept(value))
                    {
                        return value;
                    }
                }
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"Prometheus query '{query}' did not return the expected value; last answer: {last}");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _dir.Delete(recursive: true);
    }
}
