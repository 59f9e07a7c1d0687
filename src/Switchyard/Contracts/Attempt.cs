namespace Switchyard.Contracts;

/// <summary>One upstream attempt: where it went, how it ended, how long it took.</summary>
public sealed record Attempt(string Channel, string KeyId, string Model, int Status, long LatencyMs, string? ErrorKind);
