namespace Switchyard.Configuration;

/// <summary>Comparing the ledger with upstream usage exports (docs/configuration.md, <c>reconciliation</c>).</summary>
public sealed record ReconciliationConfig
{
    /// <summary>Largest relative difference (of the larger side) still counted as agreement: 0.01 = 1%.</summary>
    public decimal Tolerance { get; init; } = 0.01m;

    /// <summary>A cost difference up to this many USD agrees whatever its share.</summary>
    public decimal ToleranceUsd { get; init; } = 0.01m;

    /// <summary>Folder of exports for the daily job, one subfolder per channel; no folder, no job.</summary>
    public string? Folder { get; init; }

    /// <summary>Time after UTC midnight from which the daily job compares yesterday.</summary>
    public TimeSpan RunAt { get; init; } = TimeSpan.FromHours(6);
}

/// <summary>How long the ledger keeps request detail and daily rollups (docs/configuration.md, <c>retention</c>).</summary>
public sealed record RetentionConfig
{
    public int RequestDays { get; init; } = 30;
    public int RollupDays { get; init; } = 730;

    /// <summary>Of a stored prompt or completion (groups with <c>store_bodies</c>), at most this many bytes are kept.</summary>
    public int BodyMaxBytes { get; init; } = 64 * 1024;
}
