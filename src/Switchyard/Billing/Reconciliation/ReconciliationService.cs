using System.Globalization;
using Switchyard.Configuration;
using Switchyard.Routing;
using Switchyard.Storage;

namespace Switchyard.Billing.Reconciliation;

/// <summary>Reads an export for a channel and day, compares it with the ledger, and stores the report.</summary>
public sealed class ReconciliationService(GatewayRuntime runtime, ReconciliationStore store, TimeProvider time,
    Telemetry.Alerts.AlertDispatcher? alerts = null)
{
    public async Task<(ReconciliationReport? Report, string? Error, string? Param)> RunAsync(string channel, DateOnly day,
        IReadOnlyList<string> exports, string source, CancellationToken cancellationToken)
    {
        var config = runtime.Config;
        if (config.Channels.FirstOrDefault(c => c.Name == channel) is not { } channelConfig)
        {
            return (null, $"No channel is named '{channel}'.", "channel");
        }
        // Anthropic's exports, like its API, count input tokens without cache reads and writes.
        var excludesCache = channelConfig.Family == ChannelFamily.Anthropic;
        var upstream = new List<UpstreamUsage>();
        foreach (var export in exports)
        {
            var (rows, error) = UpstreamExport.Read(export, day, excludesCache);
            if (rows is null)
            {
                return (null, "The export could not be read: " + error, "body");
            }
            upstream.AddRange(rows);
        }
        var gateway = await store.GatewayUsageAsync(channel, day, cancellationToken);
        var tolerance = config.Reconciliation;
        var models = Reconciler.Compare(upstream, gateway, tolerance);
        var report = new ReconciliationReport
        {
            Id = "rec_" + Guid.CreateVersion7(time.GetUtcNow()).ToString("N"),
            Channel = channel,
            Day = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            CreatedAt = time.GetUtcNow(),
            Source = source,
            Verdict = models.All(m => m.Verdict == "match") ? "match" : "mismatch",
            Tolerance = Reconciler.Usd(tolerance.Tolerance),
            ToleranceUsd = Reconciler.Usd(tolerance.ToleranceUsd),
            Models = models,
        };
        await store.SaveAsync(report, cancellationToken);
        if (alerts is not null && Telemetry.Alerts.ReconciliationAlert.For(report) is { } alert)
        {
            alerts.Publish(alert);
        }
        return (report, null, null);
    }
}
