using Switchyard.Configuration;

namespace Switchyard.Quotas;

/// <summary>One set of limits that applies to a request: a key's, its user's, its group's, or its group's for the model.</summary>
/// <param name="Id">Stable counter identity, e.g. <c>key:key_0192…</c>, <c>group:rd:model:gpt-4o</c>.</param>
/// <param name="Label">How a 429 names it: <c>key wang-key</c>, <c>group rd model gpt-4o</c>.</param>
public sealed record QuotaScope(string Id, string Label, LimitsConfig Limits, TimeZoneInfo TimeZone);

/// <summary>What one request asks of every scope: one request, and estimated tokens and dollars until it settles.</summary>
public sealed record QuotaPlan(IReadOnlyList<QuotaScope> Scopes, long EstimatedTokens, decimal EstimatedUsd);

/// <summary>A refusal: which limit, in which window, and when to retry.</summary>
public sealed record QuotaDenial(string Scope, string Limit, string Window, decimal Value, TimeSpan RetryAfter)
{
    public string Message => $"{Scope}: {Limit} {Value.ToString(System.Globalization.CultureInfo.InvariantCulture)} {Window}";
}

/// <summary>The tightest request and token limits in scope, for the x-ratelimit-* headers.</summary>
public readonly record struct RateHeaders(long? RequestLimit, long? RequestsRemaining, long? TokenLimit, long? TokensRemaining);

/// <summary>An admitted request's reservation, to be settled with the true usage or released.</summary>
public sealed class QuotaTicket(QuotaPlan plan, DateTimeOffset reservedAt)
{
    public QuotaPlan Plan { get; } = plan;
    public DateTimeOffset ReservedAt { get; } = reservedAt;
    public RateHeaders Headers { get; internal set; }

    /// <summary>The store that reserved (the Redis store hands out memory tickets while failing open).</summary>
    internal IQuotaStore? Issuer { get; set; }

    /// <summary>The memory store's token-window entry per scope id, corrected in place at settlement.</summary>
    internal Dictionary<string, object> Entries => _entries ??= new(StringComparer.Ordinal);
    private Dictionary<string, object>? _entries;

    /// <summary>The reservation's member in Redis's in-flight set.</summary>
    internal string? RedisId { get; set; }

    /// <summary>Admitted from this instance's leases (<see cref="QuotaLeases"/>): settled through them.</summary>
    internal bool Leased { get; init; }

    /// <summary>The Redis store's key sets of the admission, which its settlement uses again.</summary>
    internal string[][]? KeySets { get; init; }
    private int _closed;

    /// <summary>True the first time only: a ticket settles or releases once.</summary>
    public bool TryClose() => Interlocked.Exchange(ref _closed, 1) == 0;
}

/// <summary>The shared limits store cannot be reached and the gateway is configured to fail closed.</summary>
public sealed class QuotaUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>Admission and settlement against every scope at once. Two implementations: in memory, and Redis (shared).</summary>
public interface IQuotaStore
{
    /// <returns>A ticket, or a denial naming the limit that refused.</returns>
    ValueTask<(QuotaTicket? Ticket, QuotaDenial? Denial)> AdmitAsync(QuotaPlan plan, CancellationToken cancellationToken);

    /// <summary>Replaces the reservation with the true usage.</summary>
    ValueTask SettleAsync(QuotaTicket ticket, long tokens, decimal usd, CancellationToken cancellationToken);

    /// <summary>A request that used nothing (it failed before the upstream answered) gives its reservation back.</summary>
    ValueTask ReleaseAsync(QuotaTicket ticket, CancellationToken cancellationToken);

    /// <summary>A scope's current counters, for the admin views.</summary>
    ValueTask<QuotaUsage> UsageAsync(QuotaScope scope, CancellationToken cancellationToken);
}
