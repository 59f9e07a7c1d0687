using Switchyard.Billing.Reconciliation;
using Switchyard.Configuration;

namespace Switchyard.Telemetry.Alerts;

/// <summary>The <c>reconciliation_mismatch</c> alert for a report whose verdict is not within tolerance.</summary>
public static class ReconciliationAlert
{
    public static Alert? For(ReconciliationReport report)
    {
        if (report.Verdict == "match")
        {
            return null;
        }
        var models = string.Join(", ", (report.Models ?? []).Where(m => m.Verdict != "match").Select(m => m.Model));
        return new Alert(AlertEvents.ReconciliationMismatch, $"channel {report.Channel} day {report.Day}", "warning",
            $"The ledger and the upstream's export of channel {report.Channel} for {report.Day} differ beyond the tolerance ({models}).",
            report.CreatedAt,
            [
                new("channel", report.Channel), new("day", report.Day), new("report", report.Id), new("models", models), new("source", report.Source),
                new("tolerance", report.Tolerance), new("tolerance_usd", report.ToleranceUsd),
            ]);
    }
}
