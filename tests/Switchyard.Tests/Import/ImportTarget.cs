using Switchyard.Configuration;
using Switchyard.Hosting;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Import;

/// <summary>
/// Switchyard's side of an import: a fresh database, the YAML config the import command reads (same database and
/// secret key as the gateway), and the gateway itself serving that database in front of the mock upstream.
/// </summary>
internal sealed class ImportTarget : IAsyncDisposable
{
    private ImportTarget(string configPath, GatewayHarness gateway)
    {
        ConfigPath = configPath;
        Gateway = gateway;
    }

    public string ConfigPath { get; }
    public GatewayHarness Gateway { get; }

    /// <summary>Starts a gateway that declares nothing of its own: whatever it serves comes from the import.</summary>
    public static async Task<ImportTarget> StartAsync(DatabaseKind kind)
    {
        var database = await TestDatabases.CreateAsync(kind);
        var gateway = await GatewayHarness.StartAsync(kind, c => c with
        {
            Storage = c.Storage with { Database = database },
            Security = c.Security with { SecretKey = TenancyFixture.SecretKey },
            Channels = [],
            Models = [],
            Groups = [],
            Users = [],
            Keys = [],
        });
        var folder = Directory.CreateTempSubdirectory("switchyard-import-");
        var path = Path.Combine(folder.FullName, "switchyard.yaml");
        await File.WriteAllTextAsync(path, $"""
            storage:
              database: "{database}"
              journal: "{Path.Combine(folder.FullName, "journal")}"
            security:
              master_key: {GatewayHarness.MasterKey}
              secret_key: {TenancyFixture.SecretKey}
            """);
        return new ImportTarget(path, gateway);
    }

    /// <summary>Runs <c>switchyard ARGS --config switchyard.yaml</c> as the CLI would, capturing what it prints.</summary>
    public async Task<(int Exit, string Output, string Errors)> RunAsync(Func<string, string?>? environment, params string[] args)
    {
        var command = CommandLine.Parse([.. args, "--config", ConfigPath], out var error);
        Assert.Null(error);
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exit = await ImportCommand.RunAsync(command, environment ?? (_ => null), File.Exists, output, errors, CancellationToken.None);
        return (exit, output.ToString(), errors.ToString());
    }

    /// <summary>The plan lines of a run's output: what a dry run and a real run must agree on.</summary>
    public static string Plan(string output) =>
        string.Join('\n', output.Split('\n').Skip(1).TakeWhile(line => line.Length > 0));

    /// <summary>The password reset links a real run printed (<c>  user: link (expires …)</c>), by user.</summary>
    public static Dictionary<string, string> ResetLinks(string output) =>
        output.Split('\n').SkipWhile(line => !line.StartsWith("Password reset links", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(line => line.StartsWith("  ", StringComparison.Ordinal))
            .Select(line => line.Trim().Split(": ", 2))
            .ToDictionary(parts => parts[0], parts => parts[1][..parts[1].IndexOf(" (expires ", StringComparison.Ordinal)], StringComparer.Ordinal);

    /// <summary>The token of a printed reset link.</summary>
    public static string TokenOf(string link) => link[(link.IndexOf("?token=", StringComparison.Ordinal) + "?token=".Length)..];

    /// <summary>Makes the running gateway pick up what the import wrote, as its state poll would within 250 ms.</summary>
    public async Task ReloadAsync() =>
        await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Switchyard.SharedState.StateReloader>(Gateway.Host.Services).PollAsync(CancellationToken.None);

    public ValueTask DisposeAsync() => Gateway.DisposeAsync();
}
