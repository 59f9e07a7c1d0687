namespace Switchyard.Telemetry.Alerts;

/// <summary>
/// One thing an operator should hear about. <see cref="Subject"/> names what it is about (a channel key
/// <c>openai-main#0</c>, a budget <c>group rd usd_per_month 2026-12</c>, a report's channel and day) and is the unit
/// of rate limiting. Details are flat strings: they go verbatim into the generic body.
/// </summary>
public sealed record Alert(string Event, string Subject, string Severity, string Message, DateTimeOffset Time,
    IReadOnlyList<KeyValuePair<string, string>> Details);
