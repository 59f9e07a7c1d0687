namespace Switchyard.Telemetry.Alerts;

/// <summary>The events a webhook may subscribe to.</summary>
public static class AlertEvents
{
    public const string ChannelDown = "channel_down";
    public const string KeyDisabled = "key_disabled";
    public const string Budget80 = "budget_80";
    public const string Budget100 = "budget_100";
    public const string ReconciliationMismatch = "reconciliation_mismatch";

    public static readonly IReadOnlyList<string> All = [ChannelDown, KeyDisabled, Budget80, Budget100, ReconciliationMismatch];
}

/// <summary>
/// One thing an operator should hear about. <see cref="Subject"/> names what it is about (a channel key
/// <c>openai-main#0</c>, a budget <c>group rd usd_per_month 2026-12</c>, a report's channel and day) and is the unit
/// of rate limiting. Details are flat strings: they go verbatim into the generic body.
/// </summary>
public sealed record Alert(string Event, string Subject, string Severity, string Message, DateTimeOffset Time,
    IReadOnlyList<KeyValuePair<string, string>> Details);
