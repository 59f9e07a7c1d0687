namespace Switchyard.Billing;

/// <summary>One row of the ledger: every client request gives exactly one, failed ones too.</summary>
public sealed record UsageRecord
{
    public required string RequestId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string Endpoint { get; init; }
    public string? KeyId { get; init; }
    public string? KeyName { get; init; }
    public string? User { get; init; }
    public string? Group { get; init; }
    public string? RequestedModel { get; init; }
    public string? ServedModel { get; init; }
    public string? Channel { get; init; }
    public required int Status { get; init; }
    public TokenUsage Usage { get; init; }
    public decimal CostUsd { get; init; }
    public required long LatencyMs { get; init; }
    public long? TtfbMs { get; init; }
    public bool Stream { get; init; }
    public string? ErrorKind { get; init; }

    /// <summary>The attempt chain, kept when there was more than one attempt or a fallback.</summary>
    public IReadOnlyList<Relay.Attempt>? Attempts { get; init; }
}
