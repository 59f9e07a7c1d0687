using Switchyard.Contracts;
using Switchyard.Pricing;

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

    /// <summary>The price version <see cref="CostUsd"/> was charged at (see <see cref="ModelPrice.Version"/>); null when unpriced.</summary>
    public string? PriceVersion { get; init; }

    /// <summary>The price itself, carried to the journal and the store so the version's numbers get recorded once.</summary>
    public ModelPrice? Price { get; init; }

    /// <summary>
    /// True when the upstream reported no usage for a call it may have billed (a stream cut or abandoned early):
    /// <see cref="Usage"/> and <see cref="CostUsd"/> then hold only what was reported (usually nothing), and the
    /// gateway's guess is in <see cref="EstimatedUsage"/> and <see cref="EstimatedCostUsd"/>, never mixed in.
    /// </summary>
    public bool UsageEstimated { get; init; }

    public TokenUsage EstimatedUsage { get; init; }

    public decimal EstimatedCostUsd { get; init; }
    public required long LatencyMs { get; init; }
    public long? TtfbMs { get; init; }
    public bool Stream { get; init; }
    public string? ErrorKind { get; init; }

    /// <summary>Raw prompt/completion copies of a group that stores bodies; redacted into <see cref="Bodies"/> by the writer, never stored raw.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public CapturedBodies? Captured { get; init; }

    /// <summary>The redacted, size-capped bodies to store beside the record (groups with <c>store_bodies</c> only).</summary>
    public RequestBodies? Bodies { get; init; }

    /// <summary>The write-ahead segment holding this record until it reaches the database; never stored itself.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public LedgerWal.Segment? WalSegment { get; init; }

    /// <summary>What the gateway changed in the request on its way, in words (e.g. hosted tools a converted request left out); null when nothing.</summary>
    public string? Note { get; init; }

    /// <summary>The routing rule that matched (<c>routes:</c>), and the split's arm when the rule is a split.</summary>
    public string? Route { get; init; }
    public string? Arm { get; init; }

    /// <summary>The attempt chain, kept when there was more than one attempt or a fallback.</summary>
    public IReadOnlyList<Contracts.Attempt>? Attempts { get; init; }
}
