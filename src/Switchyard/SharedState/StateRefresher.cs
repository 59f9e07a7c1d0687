using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Switchyard.SharedState;

/// <summary>
/// Polls the shared state version so keys revoked, channels changed or users edited through another instance take
/// effect here within <see cref="Interval"/>. The poll is one single-row read; the reload runs only on a change.
/// </summary>
public sealed partial class StateRefresher(StateReloader reloader, TimeProvider time, ILogger<StateRefresher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await reloader.PollAsync(stoppingToken);
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

    // Only the exception type: database messages may quote connection details.
    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Shared state reload failed ({Reason}); keeping the previous snapshot")]
    private static partial void LogReloadFailed(ILogger logger, string reason);
}
