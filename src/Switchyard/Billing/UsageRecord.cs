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

    /// <summary>The attempt chain in order, at most <see cref="Attempt.MaxKept"/> of them (see <see cref="Attempt.Bounded"/>); null when none was made.</summary>
    public IReadOnlyList<Attempt>? Attempts { get; init; }

    /// <summary>How many upstream attempts were made, also those <see cref="Attempts"/> left out.</summary>
    public int AttemptCount { get; init; }

    /// <summary>
    /// Refused before any upstream attempt (bad or missing key, unknown or forbidden model, limit reached, no channel
    /// open, a request no channel can take): in the request log and the error counts, never in usage sums or rollups.
    /// False on rows written before the marker existed, which keep counting as they did.
    /// </summary>
    public bool Refused { get; init; }

    /// <summary>The error's text as the client got it, clipped to <see cref="Attempt.MaxErrorChars"/>; redacted by the writer.</summary>
    public string? Error { get; init; }

    /// <summary>The requested model, when a fallback model served instead.</summary>
    public string? FallbackFrom { get; init; }
}
