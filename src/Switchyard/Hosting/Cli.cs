using Microsoft.Extensions.DependencyInjection;
using Switchyard.Configuration;
using Switchyard.MockUpstream;

namespace Switchyard.Hosting;

/// <summary>The process entry: parse arguments, load or make the config, run until stopped.</summary>
internal static class Cli
{
    public const int ConfigErrorExitCode = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        var command = CommandLine.Parse(args, out var argumentError);
        if (argumentError is not null)
        {
            await Console.Error.WriteLineAsync($"error: {argumentError}\n{CommandLine.Usage}");
            return ConfigErrorExitCode;
        }
        if (command.Help)
        {
            Console.WriteLine(CommandLine.Usage);
            return 0;
        }

        if (command.Version)
        {
            Console.WriteLine(BuildInfo.Describe());
            return 0;
        }

        if (command.Command == "healthcheck")
        {
            return await HealthCheckCommand.RunAsync(command.ResolveConfigPath(Environment.GetEnvironmentVariable, File.Exists), command.Listen);
        }

        if (command.Command == "import")
        {
            return await ImportCommand.RunAsync(command, Environment.GetEnvironmentVariable, File.Exists, Console.Out, Console.Error, CancellationToken.None);
        }

        if (command.Command is { } maintenance)
        {
            return await MaintenanceCommands.RunAsync(maintenance, command.ResolveConfigPath(Environment.GetEnvironmentVariable, File.Exists));
        }

        await using var mock = command.Demo ? await MockUpstreamServer.StartAsync(0) : null;
        GatewayConfig config;
        string? configPath = null;
        (string ClientKey, string MasterKey)? demoSecrets = null;
        try
        {
            if (mock is not null)
            {
                demoSecrets = DemoConfig.NewSecrets();
                config = DemoConfig.Create(mock.BaseAddress, demoSecrets.Value.ClientKey, demoSecrets.Value.MasterKey,
                    await DemoConfig.SecretKeyAsync(DemoConfig.SecretKeyPath));
            }
            else
            {
                configPath = command.ResolveConfigPath(Environment.GetEnvironmentVariable, File.Exists);
                config = configPath is null ? ConfigValidator.Validate(new GatewayConfig()) : ConfigLoader.LoadFile(configPath);
            }
            if (command.Listen is not null)
            {
                config = ConfigValidator.Validate(config with { Server = config.Server with { Listen = command.Listen } });
            }
        }
        catch (ConfigException e)
        {
            foreach (var problem in e.Problems)
            {
                await Console.Error.WriteLineAsync(problem);
            }
            return ConfigErrorExitCode;
        }

        // Before the real gateway exists, so nothing of it (ledger, metrics, log, spans) sees the warm-up's traffic.
        var warmUp = command.Role.ServesClients() && config.Server.WarmUp > TimeSpan.Zero
            ? await WarmUp.RunAsync(config.Server.WarmUp, CancellationToken.None)
            : null;
        SwitchyardHost host;
        try
        {
            host = await SwitchyardHost.StartAsync(config, configPath: configPath, role: command.Role);
        }
        catch (Exception e) when (e is IOException or System.Data.Common.DbException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"error: the gateway could not start: {e.Message}");
            return 1;
        }
        await using (host)
        {
            warmUp?.Log(host.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().CreateLogger("Switchyard.Hosting.WarmUp"));
            foreach (var key in host.GeneratedKeys)
            {
                Console.WriteLine($"Generated key '{key.Name}' (shown once, stored only as a hash): {key.Secret}");
            }
            if (demoSecrets is { } secrets)
            {
                PrintDemo(host.Address, secrets.ClientKey, secrets.MasterKey);
            }
            await host.App.WaitForShutdownAsync();
        }
        return 0;
    }

    private static void PrintDemo(Uri address, string clientKey, string masterKey)
    {
        var baseUrl = address.ToString().TrimEnd('/');
        Console.WriteLine($$"""

            Switchyard demo is running on {{baseUrl}} (mock upstream in-process, SQLite under ./data)
              client key: {{clientKey}}
              admin key:  {{masterKey}}

            Try:
              curl {{baseUrl}}/v1/chat/completions -H "Authorization: Bearer {{clientKey}}" -H "Content-Type: application/json" -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'
              curl {{baseUrl}}/v1/messages -H "x-api-key: {{clientKey}}" -H "anthropic-version: 2023-06-01" -H "Content-Type: application/json" -d '{"model":"deepseek-chat","max_tokens":100,"messages":[{"role":"user","content":"Hello"}]}'
              curl "{{baseUrl}}/admin/usage?group_by=model" -H "Authorization: Bearer {{masterKey}}"

            """);
    }
}
