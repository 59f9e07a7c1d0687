using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Switchyard.Tenancy;

/// <summary>
/// Reloads the key ring periodically so keys created or revoked through another instance take effect here
/// within <see cref="Interval"/>; changes made through this instance reload it at once.
/// </summary>
public sealed partial class KeyRingRefresher(KeyRing ring, TimeProvider time, ILogger<KeyRingRefresher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await ring.ReloadAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogReloadFailed(logger, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Key ring reload failed; keeping the previous snapshot: {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string reason);
}
