using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Routing;
using Switchyard.Storage;

namespace Switchyard.Billing;

/// <summary>
/// Keeps the ledger bounded: request records older than <c>retention.request_days</c> and daily rollups older than
/// <c>retention.rollup_days</c> are deleted, at start and hourly; on PostgreSQL the monthly partitions ahead are
/// created first. Reports over whole days keep working afterwards because they read the rollups.
/// </summary>
public sealed partial class LedgerRetention(GatewayRuntime runtime, LedgerRetentionStore store, TimeProvider time,
    ILogger<LedgerRetention> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public async Task<LedgerRetentionStore.Outcome> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var retention = runtime.Config.Retention;
        await store.EnsurePartitionsAsync(now, cancellationToken);
        var outcome = await store.PurgeAsync(now.AddDays(-retention.RequestDays), now.AddDays(-retention.RollupDays), cancellationToken);
        if (outcome.RecordsDeleted + outcome.PartitionsDropped + outcome.RollupsDeleted + outcome.BodiesDeleted > 0)
        {
            LogPurged(logger, outcome.RecordsDeleted, outcome.PartitionsDropped, outcome.RollupsDeleted, outcome.BodiesDeleted);
        }
        return outcome;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database may be down (the ledger journals meanwhile); the next hour tries again.
                LogFailed(logger, e.Message);
            }
            try
            {
                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Retention deleted {Records} request records, dropped {Partitions} monthly partitions, deleted {Rollups} daily rollups and {Bodies} stored bodies")]
    private static partial void LogPurged(ILogger logger, long records, int partitions, long rollups, long bodies);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "Ledger retention failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
