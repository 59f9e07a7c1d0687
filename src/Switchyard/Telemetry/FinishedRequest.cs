using Switchyard.Billing;
using Switchyard.Routing;

namespace Switchyard.Telemetry;

/// <summary>
/// A request that ended, as metrics and tracing read it: its ledger record and what the ledger does not keep
/// (the route object, timings, how many attempts). A struct passed by reference: nothing is allocated per request.
/// </summary>
public readonly record struct FinishedRequest(
    UsageRecord Record,
    string? CanonicalModel,
    ChannelRoute? Route,
    TimeSpan Elapsed,
    double OverheadMs,
    int Attempts,
    string? FallbackFrom);
