using System.Diagnostics;
using Switchyard.Configuration;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Deploy;

/// <summary>
/// deploy/systemd: the unit passes <c>systemd-analyze verify</c>, keeps every sandboxing rule the deployment relies
/// on, and its example config loads in the gateway's own loader with the database and journal in the state directory.
/// </summary>
public sealed class SystemdUnitTests
{
    private const string StateDirectory = "/var/lib/switchyard/";

    private static string DeployFile(string file) => Path.Combine(PrometheusTools.RepositoryRoot(), "deploy", "systemd", file);

    /// <summary>[Service] directives that must be present with exactly this value (the last assignment wins, as in systemd).</summary>
    public static TheoryData<string, string> RequiredServiceDirectives => new()
    {
        { "ExecStart", "/opt/switchyard/switchyard --config /etc/switchyard/switchyard.yaml" },
        { "User", "switchyard" },
        { "Group", "switchyard" },
        { "StateDirectory", "switchyard" },
        { "WorkingDirectory", "/var/lib/switchyard" },
        { "EnvironmentFile", "/etc/switchyard/switchyard.env" },
        { "Restart", "on-failure" },
        { "RestartPreventExitStatus", "2" },
        { "NoNewPrivileges", "yes" },
        { "CapabilityBoundingSet", "" },
        { "AmbientCapabilities", "" },
        { "ProtectSystem", "strict" },
        { "ProtectHome", "yes" },
        { "PrivateTmp", "yes" },
        { "PrivateDevices", "yes" },
        { "ProtectKernelTunables", "yes" },
        { "ProtectKernelModules", "yes" },
        { "ProtectKernelLogs", "yes" },
        { "ProtectControlGroups", "yes" },
        { "RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX" },
        { "RestrictNamespaces", "yes" },
        { "LockPersonality", "yes" },
        { "SystemCallFilter", "@system-service" },
        { "SystemCallArchitectures", "native" },
        { "SystemCallErrorNumber", "EPERM" },
        { "ProtectClock", "yes" },
        { "ProtectHostname", "yes" },
        { "ProtectProc", "invisible" },
        { "RestrictRealtime", "yes" },
        { "RestrictSUIDSGID", "yes" },
        { "RemoveIPC", "yes" },
        { "UMask", "0077" },
        { "TimeoutStopSec", "90s" },
    };

    [Theory]
    [MemberData(nameof(RequiredServiceDirectives))]
    public void Unit_SandboxingDirective_IsPresentWithItsValue(string directive, string expected)
    {
        var service = UnitFile.Read(DeployFile("switchyard.service")).Section("Service");
        Assert.True(service.TryGetValue(directive, out var values),
            $"deploy/systemd/switchyard.service: [Service] {directive}={expected} is missing");
        Assert.True(values[^1] == expected,
            $"deploy/systemd/switchyard.service: [Service] {directive} must be '{expected}', is '{values[^1]}'");
    }

    [Fact]
    public void Unit_MemoryDenyWriteExecute_IsNotSet()
    {
        var unit = UnitFile.Read(DeployFile("switchyard.service"));
        Assert.False(unit.Section("Service").ContainsKey("MemoryDenyWriteExecute"),
            "deploy/systemd/switchyard.service: MemoryDenyWriteExecute must not be set: the .NET JIT maps code writable, then executable");
    }

    [Fact]
    public void Unit_TimeoutStopSec_OutlastsTheGracefulStop()
    {
        // The .NET host lets requests in flight finish for up to 30 s, then the ledger queue drains to the database.
        var service = UnitFile.Read(DeployFile("switchyard.service")).Section("Service");
        Assert.True(service.TryGetValue("TimeoutStopSec", out var values), "deploy/systemd/switchyard.service: [Service] TimeoutStopSec is missing");
        var timeout = UnitFile.ParseSeconds(values[^1]);
        Assert.True(timeout >= 60, $"deploy/systemd/switchyard.service: TimeoutStopSec must be at least 60 s (30 s of requests in flight plus the ledger drain), is {values[^1]}");
    }

    [Fact]
    public async Task Unit_PassesSystemdAnalyzeVerify()
    {
        const string analyze = "/usr/bin/systemd-analyze";
        Assert.True(File.Exists(analyze), $"{analyze} is needed by this test (Debian package systemd); no running systemd is needed");

        // verify fails when ExecStart's binary does not exist, and /opt/switchyard/switchyard (the release build)
        // is not installed on a build machine: the copy points ExecStart at the gateway's own built apphost instead
        // (/bin/true if it is missing), arguments unchanged. Every other line is verified as shipped.
        var dir = Directory.CreateTempSubdirectory("switchyard-unit-");
        try
        {
            var apphost = Path.Combine(AppContext.BaseDirectory, "Switchyard");
            var executable = File.Exists(apphost) ? apphost : "/bin/true";
            var text = await File.ReadAllTextAsync(DeployFile("switchyard.service"));
            Assert.Contains("\nExecStart=/opt/switchyard/switchyard ", text, StringComparison.Ordinal);
            var unit = Path.Combine(dir.FullName, "switchyard.service");
            await File.WriteAllTextAsync(unit, text.Replace("\nExecStart=/opt/switchyard/switchyard ", $"\nExecStart={executable} ", StringComparison.Ordinal));

            var start = new ProcessStartInfo(analyze)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "verify", "--man=no", unit })
            {
                start.ArgumentList.Add(argument);
            }
            start.Environment["SYSTEMD_LOG_COLOR"] = "0";
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            var output = (await stdout + await stderr).Trim();

            Assert.True(process.ExitCode == 0, $"systemd-analyze verify exited {process.ExitCode}:\n{output}");
            // An unknown directive or an unparsable value is only a warning ("Unknown key …, ignoring"), exit code 0:
            // any line about the unit fails the test.
            var complaints = output.Split('\n').Where(line => line.Contains("switchyard.service", StringComparison.Ordinal)
                || line.Contains("Unknown", StringComparison.OrdinalIgnoreCase) || line.Contains("ignoring", StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.True(complaints.Count == 0, "systemd-analyze verify complained about deploy/systemd/switchyard.service:\n" + string.Join('\n', complaints));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void ExampleConfig_LoadsWithTheExampleEnvironment_AndStoresUnderTheStateDirectory()
    {
        // The variables are those of the shipped env file example: a ${NAME} it lacks would fail the load, naming it.
        var environment = File.ReadAllLines(DeployFile("switchyard.env.example"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
        var unit = UnitFile.Read(DeployFile("switchyard.service")).Section("Service");

        GatewayConfig config;
        try
        {
            config = ConfigLoader.LoadFile(DeployFile("switchyard.yaml"), environment.GetValueOrDefault);
        }
        catch (ConfigException e)
        {
            Assert.Fail("deploy/systemd/switchyard.yaml does not load:\n" + string.Join('\n', e.Problems));
            return;
        }

        Assert.Equal(StateDirectory, "/var/lib/" + unit["StateDirectory"][^1] + "/");
        Assert.True(DatabaseLocation.TryParse(config.Storage.Database, out var database, out _) && database!.Kind == DatabaseKind.Sqlite,
            $"storage.database must be SQLite on a single VM, is '{config.Storage.Database}'");
        var databasePath = config.Storage.Database["sqlite:".Length..];
        Assert.True(Path.GetFullPath(databasePath).StartsWith(StateDirectory, StringComparison.Ordinal),
            $"storage.database must be under {StateDirectory} (the unit's StateDirectory), is '{databasePath}'");
        Assert.True(Path.GetFullPath(config.Storage.Journal).StartsWith(StateDirectory, StringComparison.Ordinal),
            $"storage.journal must be under {StateDirectory} (the unit's StateDirectory), is '{config.Storage.Journal}'");
        Assert.Equal(environment["SWITCHYARD_SECRET_KEY"], config.Security.SecretKey);
    }

    /// <summary>A systemd unit file: sections of directives, each with its assignments in order.</summary>
    private sealed class UnitFile
    {
        private readonly Dictionary<string, Dictionary<string, List<string>>> _sections = [];

        public Dictionary<string, List<string>> Section(string name) => _sections.GetValueOrDefault(name) ?? [];

        public static UnitFile Read(string path)
        {
            var unit = new UnitFile();
            Dictionary<string, List<string>>? section = null;
            foreach (var raw in File.ReadAllLines(path))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line[0] is '#' or ';')
                {
                    continue;
                }
                if (line.StartsWith('[') && line.EndsWith(']'))
                {
                    section = [];
                    unit._sections[line[1..^1]] = section;
                    continue;
                }
                var eq = line.IndexOf('=');
                Assert.True(eq > 0 && section is not null, $"{path}: not a directive: '{raw}'");
                var key = line[..eq].Trim();
                if (!section!.TryGetValue(key, out var values))
                {
                    section[key] = values = [];
                }
                values.Add(line[(eq + 1)..].Trim());
            }
            return unit;
        }

        /// <summary>A systemd time span such as <c>90s</c>, <c>2min</c>, <c>1min 30s</c> or a bare number of seconds.</summary>
        public static double ParseSeconds(string value)
        {
            double total = 0;
            foreach (var part in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var digits = part.TakeWhile(c => char.IsDigit(c) || c == '.').Count();
                var number = double.Parse(part[..digits], System.Globalization.CultureInfo.InvariantCulture);
                total += part[digits..] switch
                {
                    "" or "s" or "sec" => number,
                    "ms" => number / 1000,
                    "m" or "min" => number * 60,
                    "h" => number * 3600,
                    var unit => throw new FormatException($"unknown time unit '{unit}' in '{value}'"),
                };
            }
            return total;
        }
    }
}
