using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Switchyard.Tests.TestSupport;

/// <summary>
/// The gateway as a real child process (the Release build next to the tests), for what an in-process host cannot
/// show: a SIGKILL mid-load and a restart on the same database and journal.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private GatewayProcess(Process process, HttpClient client)
    {
        _process = process;
        Client = client;
    }

    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    /// <summary>What the process wrote to stdout and stderr so far (its JSON log lines).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<GatewayProcess> StartAsync(string config, string folder, params string[] arguments)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Switchyard.dll"), "--config", config, "--listen", $"http://127.0.0.1:{port}" },
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start)!;
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1000, UseProxy = false };
        var gateway = new GatewayProcess(process, new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) });
        process.OutputDataReceived += (_, e) => gateway.Append(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var ready = await gateway.Client.GetAsync("/readyz");
                if (ready.IsSuccessStatusCode)
                {
                    return gateway;
                }
            }
            catch (HttpRequestException) when (attempt < 300 && !process.HasExited)
            {
            }
            if (attempt >= 300 || process.HasExited)
            {
                await gateway.DisposeAsync();
                throw new InvalidOperationException("the gateway process did not become ready");
            }
            await Task.Delay(100);
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>SIGTERM, as systemd, Kubernetes and podman send it: the graceful stop (Process.Kill would send SIGKILL).</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} exited with {kill.ExitCode}");
        }
    }

    /// <summary>True when the process exited within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL: no shutdown hook, no drain, no flush runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Client.Dispose();
    }
}
