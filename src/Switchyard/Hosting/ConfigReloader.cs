using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Routing;
using Switchyard.SharedState;
using Switchyard.Tenancy;

namespace Switchyard.Hosting;

/// <summary>
/// Watches the config file and applies a valid new version without a restart: channels, models, groups, keys and
/// router settings change at once; in-flight requests finish on the snapshot they started with. An invalid file
/// is reported and ignored. Listen address and storage settings need a restart, which is logged.
/// </summary>
internal sealed partial class ConfigReloader(ConfigFile file, GatewayRuntime runtime, ConfigKeySeeder seeder, TenancySeeder tenancy, StateReloader state,
    Security.Redactor redactor, ILogger<ConfigReloader> logger)
    : BackgroundService
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (file.Path is null)
        {
            return;
        }
        var full = Path.GetFullPath(file.Path);
        var changed = System.Threading.Channels.Channel.CreateBounded<bool>(1);
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
        };
        void Signal(object? sender, EventArgs e) => changed.Writer.TryWrite(true);
        watcher.Changed += Signal;
        watcher.Created += Signal;
        watcher.Renamed += Signal;
        watcher.EnableRaisingEvents = true;
        try
        {
            while (await changed.Reader.WaitToReadAsync(stoppingToken))
            {
                // Editors write in several steps; wait for the file to settle.
                await Task.Delay(Debounce, stoppingToken);
                while (changed.Reader.TryRead(out _))
                {
                }
                await ReloadAsync(full, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task<bool> ReloadAsync(string path, CancellationToken cancellationToken)
    {
        GatewayConfig next;
        try
        {
            next = ConfigLoader.LoadFile(path);
        }
        catch (ConfigException e)
        {
            LogRejected(logger, path, string.Join("; ", e.Problems));
            return false;
        }
        var current = runtime.FileConfig;
        next = next with { Server = next.Server with { Listen = current.Server.Listen } };
        if (next.Storage != current.Storage)
        {
            LogNeedsRestart(logger, "storage");
            next = next with { Storage = current.Storage };
        }
        if (next.Security.SecretKey != current.Security.SecretKey || !next.Security.PreviousSecretKeys.SequenceEqual(current.Security.PreviousSecretKeys))
        {
            LogNeedsRestart(logger, "security.secret_key");
            next = next with { Security = next.Security with { SecretKey = current.Security.SecretKey, PreviousSecretKeys = current.Security.PreviousSecretKeys } };
        }
        // First, so nothing the reload does or logs can print one of the new config's secrets unmasked.
        redactor.Reconfigure(next);
        await tenancy.SeedAsync(next, cancellationToken);
        foreach (var key in await seeder.SeedAsync(next.Keys, cancellationToken))
        {
            LogGeneratedKey(logger, key.Name);
            Console.WriteLine($"Generated key '{key.Name}' (shown once, stored only as a hash): {key.Secret}");
        }
        runtime.FileConfig = next;
        // Other instances watching their own copy of the file reload too; the version bump covers those that do not.
        await state.ChangedAsync(cancellationToken);
        LogReloaded(logger, path, next.Channels.Count, next.Models.Count);
        return true;
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Config reloaded from {Path}: {Channels} channels, {Models} models")]
    private static partial void LogReloaded(ILogger logger, string path, int channels, int models);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Error, Message = "Config change in {Path} ignored, the running config stays: {Problems}")]
    private static partial void LogRejected(ILogger logger, string path, string problems);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Config change to {Section} takes effect only after a restart")]
    private static partial void LogNeedsRestart(ILogger logger, string section);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Generated a secret for new config key {Name}")]
    private static partial void LogGeneratedKey(ILogger logger, string name);
}

/// <summary>The config file the gateway was started with, if any (demo mode and tests may have none).</summary>
internal sealed record ConfigFile(string? Path);
