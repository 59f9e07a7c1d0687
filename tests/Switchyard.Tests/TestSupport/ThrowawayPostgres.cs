using System.Diagnostics;
using Npgsql;

namespace Switchyard.Tests.TestSupport;

/// <summary>
/// A PostgreSQL server of the test's own (own port, own data folder), for tests that must stop the database: the
/// shared test server is never stopped. Uses the installed binaries (/usr/lib/postgresql/*/bin) as
/// scripts/services/postgres does, running them as the <c>postgres</c> user when the tests run as root.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _root;
    private readonly string _data;
    private readonly string _sockets;

    private ThrowawayPostgres(string bin, string root, int port)
    {
        _bin = bin;
        _root = root;
        _data = Path.Combine(root, "data");
        _sockets = Path.Combine(root, "sock");
        Port = port;
    }

    public int Port { get; }

    public string Url => $"postgres://switchyard:switchyard@127.0.0.1:{Port}/switchyard_test";

    public static async Task<ThrowawayPostgres> StartAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL is not installed (scripts/services/postgres start installs it).");
        // Not CreateTempSubdirectory: its 0700 mode would keep the postgres user out.
        var root = Path.Combine(Path.GetTempPath(), "switchyard-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var server = new ThrowawayPostgres(bin, root, GatewayProcess.FreePort());
        Directory.CreateDirectory(server._data);
        Directory.CreateDirectory(server._sockets);
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "-R", "postgres:postgres", root);
        }
        await server.AsPostgresAsync("initdb", "-D", server._data, "-U", "postgres", "-A", "trust", "--no-sync");
        await server.StartServerAsync();
        await using (var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={server.Port};Username=postgres;Database=postgres"))
        {
            await connection.OpenAsync();
            await using var role = new NpgsqlCommand("CREATE ROLE switchyard LOGIN SUPERUSER PASSWORD 'switchyard'", connection);
            await role.ExecuteNonQueryAsync();
            await using var database = new NpgsqlCommand("CREATE DATABASE switchyard_test OWNER switchyard", connection);
            await database.ExecuteNonQueryAsync();
        }
        return server;
    }

    /// <summary>Starts the server on its existing data (after <see cref="StopServerAsync"/>).</summary>
    public Task StartServerAsync() => AsPostgresAsync("pg_ctl", "-D", _data, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "30", "-o",
        $"-c listen_addresses=127.0.0.1 -p {Port} -k {_sockets} -c fsync=off -c synchronous_commit=off -c full_page_writes=off", "start");

    /// <summary>A fast shutdown: open connections are cut, as in an outage; the data stays.</summary>
    public Task StopServerAsync() => AsPostgresAsync("pg_ctl", "-D", _data, "-m", "fast", "-w", "stop");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopServerAsync();
        }
        catch (InvalidOperationException)
        {
        }
        Directory.Delete(_root, recursive: true);
    }

    private Task AsPostgresAsync(string tool, params string[] args) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args])
            : RunAsync(Path.Combine(_bin, tool), args);

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }
}
