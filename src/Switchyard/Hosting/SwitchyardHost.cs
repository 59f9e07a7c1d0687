using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Tenancy;

namespace Switchyard.Hosting;

/// <summary>Builds, prepares and starts the gateway; shared by the CLI and the integration tests.</summary>
internal sealed class SwitchyardHost : IAsyncDisposable
{
    private SwitchyardHost(WebApplication app, Uri address, IReadOnlyList<ConfigKeySeeder.GeneratedKey> generatedKeys)
    {
        App = app;
        Address = address;
        GeneratedKeys = generatedKeys;
    }

    public WebApplication App { get; }

    /// <summary>The address actually bound (the real port when the config asked for port 0).</summary>
    public Uri Address { get; }

    /// <summary>Config keys without a fixed secret that were generated at this start: shown once, stored only hashed.</summary>
    public IReadOnlyList<ConfigKeySeeder.GeneratedKey> GeneratedKeys { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<SwitchyardHost> StartAsync(GatewayConfig config, Action<ILoggingBuilder>? logging = null, string? configPath = null,
        InstanceRole role = InstanceRole.All, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(config.Server.Listen);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The relay enforces server.max_body_bytes itself, so the refusal comes in the caller's error format.
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.Logging.ClearProviders();
        // JSON lines on stdout, every one through the redactor (Telemetry/Logging).
        builder.Services.AddSingleton<Telemetry.Logging.JsonLogFormatter>();
        builder.Services.AddSingleton<ILoggerProvider, Telemetry.Logging.JsonLineLoggerProvider>();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        // This category logs only request start and finish (below Warning, so never written), yet while any level of it
        // is enabled ASP.NET Core starts an activity and a logging scope for every request: work on the hot path that
        // nothing reads. The gateway's own request log and spans say what those would.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        logging?.Invoke(builder.Logging);
        builder.Services.AddSwitchyard(config, configPath, role);
        builder.Services.AddSingleton<ShutdownState>();
        builder.Services.AddSingleton<StartupState>();
        builder.Services.AddSingleton(config.Server);
        // Registered before every other hosted service, so its StoppingAsync (the drain) runs while they all still run.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, GracefulShutdown>());
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = GracefulShutdown.HostShutdownTimeout(config.Server));

        var app = builder.Build();
        app.MapSwitchyard(role);
        var generated = await app.Services.GetRequiredService<StorageBootstrap>().PrepareAsync(cancellationToken);
        var warming = config.Server.WarmUp > TimeSpan.Zero && role.ServesClients();
        var startup = app.Services.GetRequiredService<StartupState>();
        if (warming)
        {
            startup.BeginWarming();
        }
        await app.StartAsync(cancellationToken);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var address = new Uri(bound.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        if (warming)
        {
            await WarmUp.FinishAsync(address, cancellationToken);
            startup.EndWarming();
        }
        return new SwitchyardHost(app, address, generated);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
