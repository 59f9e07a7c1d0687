using System.Diagnostics;
using System.Text;
using Switchyard.Tests.AdminUi;

namespace Switchyard.Tests.TestSupport;

/// <summary>What one run of a coding agent printed and how it ended.</summary>
internal sealed record AgentRun(int ExitCode, string Output, TimeSpan Elapsed)
{
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:F1} s:\n{Output}";
}

/// <summary>
/// One real coding agent (Claude Code, Codex CLI, Gemini CLI, installed in tools/AgentClients by
/// scripts/agent-clients-deps) run non-interactively against the gateway, in a sandbox: an empty environment but
/// for what the client needs, home and XDG folders in a temp folder, proxy variables pointing at a dead loopback
/// port (only loopback is exempt, so any call to the internet fails at once), telemetry and auto-update off.
/// </summary>
internal sealed class AgentClient : IDisposable
{
    /// <summary>Port 9 (discard) is closed on loopback: a connection through this "proxy" is refused at once.</summary>
    private const string DeadProxy = "http://127.0.0.1:9";

    private readonly string _root = Directory.CreateTempSubdirectory("switchyard-agent-").FullName;
    private readonly string _binary;

    private AgentClient(string binary, Uri gateway)
    {
        _binary = Path.Combine(BrowserRunner.RepositoryRoot(), "tools", "AgentClients", "node_modules", ".bin", binary);
        Assert.True(File.Exists(_binary), $"{_binary} is missing: run scripts/agent-clients-deps.");
        Directory.CreateDirectory(Work);
        Gateway = gateway;
        Environment["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        Environment["HOME"] = Home;
        Environment["LANG"] = "C.UTF-8";
        Environment["TERM"] = "dumb";
        Environment["XDG_CONFIG_HOME"] = Path.Combine(Home, ".config");
        Environment["XDG_CACHE_HOME"] = Path.Combine(Home, ".cache");
        Environment["XDG_DATA_HOME"] = Path.Combine(Home, ".local", "share");
        Environment["XDG_STATE_HOME"] = Path.Combine(Home, ".local", "state");
        foreach (var proxy in (ReadOnlySpan<string>)["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"])
        {
            Environment[proxy] = DeadProxy;
        }
        Environment["NO_PROXY"] = Environment["no_proxy"] = "127.0.0.1,localhost";
    }

    public Uri Gateway { get; }
    public string Home => Path.Combine(_root, "home");
    public string Work => Path.Combine(_root, "work");

    /// <summary>The client's whole environment: nothing of the test runner's leaks in (no real keys, no proxies).</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>Claude Code 2.x: <c>ANTHROPIC_BASE_URL</c> and <c>ANTHROPIC_AUTH_TOKEN</c> (sent as a bearer token).</summary>
    public static AgentClient ClaudeCode(Uri gateway, string key)
    {
        var client = new AgentClient("claude", gateway);
        client.Environment["ANTHROPIC_BASE_URL"] = gateway.ToString().TrimEnd('/');
        client.Environment["ANTHROPIC_AUTH_TOKEN"] = key;
        client.Environment["CLAUDE_CONFIG_DIR"] = Path.Combine(client.Home, ".claude");
        client.Environment["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1";
        client.Environment["DISABLE_AUTOUPDATER"] = "1";
        client.Environment["DISABLE_TELEMETRY"] = "1";
        client.Environment["DISABLE_ERROR_REPORTING"] = "1";
        return client;
    }

    /// <summary>Codex CLI: a <c>model_providers</c> entry in <c>$CODEX_HOME/config.toml</c>, its key in an environment variable.</summary>
    public static AgentClient Codex(Uri gateway, string key, string model)
    {
        var client = new AgentClient("codex", gateway);
        var codexHome = Path.Combine(client.Home, ".codex");
        Directory.CreateDirectory(codexHome);
        File.WriteAllText(Path.Combine(codexHome, "config.toml"), $"""
            model = "{model}"
            model_provider = "switchyard"
            check_for_update_on_startup = false

            [analytics]
            enabled = false

            [model_providers.switchyard]
            name = "Switchyard"
            base_url = "{new Uri(gateway, "v1")}"
            env_key = "SWITCHYARD_API_KEY"
            wire_api = "responses"
            request_max_retries = 0
            stream_max_retries = 0
            """);
        client.Environment["CODEX_HOME"] = codexHome;
        client.Environment["SWITCHYARD_API_KEY"] = key;
        return client;
    }

    /// <summary>Gemini CLI: <c>GOOGLE_GEMINI_BASE_URL</c> and <c>GEMINI_API_KEY</c>, API-key auth chosen in settings.json.</summary>
    public static AgentClient GeminiCli(Uri gateway, string key)
    {
        var client = new AgentClient("gemini", gateway);
        var settings = Path.Combine(client.Home, ".gemini");
        Directory.CreateDirectory(settings);
        File.WriteAllText(Path.Combine(settings, "settings.json"), """
            {
              "security": { "auth": { "selectedType": "gemini-api-key" } },
              "general": { "disableAutoUpdate": true, "disableUpdateNag": true },
              "privacy": { "usageStatisticsEnabled": false },
              "telemetry": { "enabled": false }
            }
            """);
        client.Environment["GOOGLE_GEMINI_BASE_URL"] = gateway.ToString().TrimEnd('/');
        client.Environment["GEMINI_API_KEY"] = key;
        // Headless runs need the folder trusted; and one process, not a relaunched child with a larger heap.
        client.Environment["GEMINI_CLI_TRUST_WORKSPACE"] = "true";
        client.Environment["GEMINI_CLI_NO_RELAUNCH"] = "true";
        return client;
    }

    public async Task<AgentRun> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(_binary, arguments)
        {
            WorkingDirectory = Work,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Clear();
        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        // The prompt is an argument: an open stdin would be read as more of it.
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        var output = new StringBuilder().Append(await stdout).Append("\n--- stderr ---\n").Append(await stderr);
        return new AgentRun(process.HasExited ? process.ExitCode : -1, output.ToString(), clock.Elapsed);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A client's leftover child may still hold a file; the temp folder is cleaned by the system.
        }
        catch (UnauthorizedAccessException)
        {
            // Codex's sandbox may leave read-only files behind; same as above.
        }
    }
}
