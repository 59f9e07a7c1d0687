using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Routing;
using Switchyard.Storage;

namespace Switchyard.Billing.Reconciliation;

/// <summary>
/// Once a day, after <c>reconciliation.run_at</c> (UTC), compares yesterday's ledger with the exports dropped into
/// <c>reconciliation.folder</c>: one subfolder per channel (<c>folder/openai/*.csv</c>), every CSV in it read for
/// that day's rows. A channel and day already reconciled from the folder is not done again (restarts, several
/// instances), and a channel whose folder holds no export is skipped.
/// </summary>
public sealed partial class ReconciliationJob(GatewayRuntime runtime, ReconciliationService service, ReconciliationStore store,
    TimeProvider time, ILogger<ReconciliationJob> logger) : BackgroundService
{
    public const string FolderSource = "folder";
    private DateOnly _doneDay;

    /// <summary>Runs the comparison if one is due now; returns the reports it stored.</summary>
    public async Task<IReadOnlyList<ReconciliationReport>> RunDueAsync(CancellationToken cancellationToken)
    {
        var config = runtime.Config.Reconciliation;
        var now = time.GetUtcNow().UtcDateTime;
        var day = DateOnly.FromDateTime(now).AddDays(-1);
        if (config.Folder is not { } folder || now.TimeOfDay < config.RunAt || _doneDay == day || !Directory.Exists(folder))
        {
            return [];
        }
        var stored = new List<ReconciliationReport>();
        var dayText = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var channelFolder in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        {
            var channel = Path.GetFileName(channelFolder);
            var files = Directory.GetFiles(channelFolder, "*.csv").Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0 || (await store.ListAsync(channel, dayText, 100, cancellationToken)).Any(r => r.Source.StartsWith(FolderSource, StringComparison.Ordinal)))
            {
                continue;
            }
            var exports = new List<string>();
            foreach (var file in files)
            {
                exports.Add(await File.ReadAllTextAsync(file, cancellationToken));
            }
            var source = FolderSource + ":" + string.Join(',', files.Select(Path.GetFileName));
            var (report, error, _) = await service.RunAsync(channel, day, exports, source, cancellationToken);
            if (report is null)
            {
                LogFailed(logger, channel, dayText, error!);
                continue;
            }
            LogDone(logger, channel, dayText, report.Verdict);
            stored.Add(report);
        }
        _doneDay = day;
        return stored;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, "*", "*", e.Message);
            }
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(1), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Reconciled channel {Channel} for {Day}: {Verdict}")]
    private static partial void LogDone(ILogger logger, string channel, string day, string verdict);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Reconciliation of channel {Channel} for {Day} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string channel, string day, string reason);
}
