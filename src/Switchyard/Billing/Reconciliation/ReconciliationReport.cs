using System.Text.Json.Serialization;

namespace Switchyard.Billing.Reconciliation;

/// <summary>Usage of one model on one channel and day, from one side. Money as decimal strings in JSON.</summary>
public sealed record UsageFigures(long? Requests, long InputTokens, long CachedTokens, long OutputTokens, string? CostUsd);

/// <summary>The two sides of one model, their differences (gateway minus upstream) and whether they agree.</summary>
public sealed record ModelReconciliation(string Model, string Verdict, UsageFigures? Gateway, UsageFigures? Upstream,
    long InputTokensDifference, long OutputTokensDifference, string? CostUsdDifference);

/// <summary>
/// A stored comparison of the gateway's ledger with an upstream's export for one channel and UTC day.
/// <see cref="Verdict"/> is <c>match</c> when every model agrees within the tolerance, else <c>mismatch</c>.
/// </summary>
public sealed record ReconciliationReport
{
    public required string Id { get; init; }
    public required string Channel { get; init; }
    public required string Day { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary><c>upload</c> (POST /admin/reconciliation) or <c>folder:&lt;file names&gt;</c> (the daily job).</summary>
    public required string Source { get; init; }
    public required string Verdict { get; init; }
    public required string Tolerance { get; init; }
    public required string ToleranceUsd { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ModelReconciliation>? Models { get; init; }
}

public sealed record ReconciliationList(IReadOnlyList<ReconciliationReport> Data);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ReconciliationReport))]
[JsonSerializable(typeof(ReconciliationList))]
[JsonSerializable(typeof(List<ModelReconciliation>))]
public sealed partial class ReconciliationJson : JsonSerializerContext;
