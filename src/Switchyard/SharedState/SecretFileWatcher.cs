using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Routing;

namespace Switchyard.SharedState;

/// <summary>
/// Re-reads the channels' key files every <see cref="Interval"/> and, when one changed, rebuilds the runtime snapshot:
/// requests in flight finish with the keys they took, the next ones take the new keys. Polling rather than file events,
/// because a Kubernetes secret mount swaps a symlink two levels up, which no watch on the file itself sees.
/// </summary>
public sealed partial class SecretFileWatcher(GatewayRuntime runtime, SecretFiles files, StateReloader reloader, TimeProvider time,
    ILogger<SecretFileWatcher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private HashSet<string> _reported = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var paths = runtime.FileConfig.Channels.SelectMany(SecretFiles.Referenced).ToList();
                if (paths.Count == 0 && files.Problems.Count == 0)
                {
                    continue;
                }
                try
                {
                    if (await files.RefreshAsync(paths, stoppingToken))
                    {
                        Report();
                        await reloader.ReloadAsync(stoppingToken);
                        LogReloaded(logger, paths.Count);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogReloadFailed(logger, e.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Report()
    {
        var now = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, problem) in files.Problems)
        {
            now.Add(path);
            if (!_reported.Contains(path))
            {
                LogUnusable(logger, path, problem);
            }
        }
        _reported = now;
    }

    // Paths and counts only: a file's content is a secret.
    [LoggerMessage(EventId = 1111, Level = LogLevel.Information, Message = "Secret files changed; the {Files} key files are read again and the channels rebuilt")]
    private static partial void LogReloaded(ILogger logger, int files);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Error, Message = "Secret file {Path} is {Problem}: the gateway is not ready; channels keep the keys read before, if any")]
    private static partial void LogUnusable(ILogger logger, string path, string problem);

    [LoggerMessage(EventId = 1113, Level = LogLevel.Warning, Message = "Rebuilding the channels after a secret file change failed ({Reason}); keeping the previous snapshot")]
    private static partial void LogReloadFailed(ILogger logger, string reason);
}
