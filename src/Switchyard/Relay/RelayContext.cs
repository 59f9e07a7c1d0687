using Switchyard.Billing;
using Switchyard.Contracts;
using Switchyard.Pricing;
using Switchyard.Routing;
using Switchyard.Tenancy;

namespace Switchyard.Relay;

/// <summary>The typed state of one client request as it moves through the pipeline; becomes its ledger record.</summary>
internal sealed class RelayContext(string endpoint, TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();
    private long _upstreamTicks;

    public string RequestId { get; } = Ids.NewRequestId();
    public string Endpoint { get; } = endpoint;
    public DateTimeOffset CreatedAt { get; } = time.GetUtcNow();
    public VirtualKey? Key { get; set; }
    public string? RequestedModel { get; set; }

    /// <summary>The <c>x-switchyard-hop</c> value this request's upstream calls carry.</summary>
    public string Hops { get; set; } = "";
    public string? CanonicalModel { get; set; }

    /// <summary>The routing rule that matched, the split's arm, and where it sent the request (see <see cref="RouteRules"/>).</summary>
    public RouteDecision? RouteDecision { get; set; }

    /// <summary>The name the first attempt routes by: a rule's target model, else the requested model.</summary>
    public string? RoutedModel { get; set; }
    public ChannelRoute? Route { get; set; }
    public bool Stream { get; set; }
    public int Status { get; set; } = 200;
    public GatewayError? Error { get; private set; }
    public TokenUsage Usage { get; set; }

    /// <summary>Size of the client's request body: the basis of the input estimate when the upstream reports no usage.</summary>
    public long RequestBytes { get; set; }

    /// <summary>True once an upstream accepted the request (2xx headers): from then on it may bill for it.</summary>
    public bool UpstreamAnswered { get; set; }

    /// <summary>Stream events relayed to the client: the basis of the output estimate when the stream was cut.</summary>
    public long StreamedEvents { get; set; }
    public long? TtfbMs { get; private set; }

    /// <summary>Every upstream attempt, in order: retries and fallbacks included.</summary>
    public List<Attempt> Attempts { get; } = [];

    /// <summary>The quota reservation this request holds, settled when it ends.</summary>
    public Quotas.QuotaTicket? Quota { get; set; }

    /// <summary>The requested model, when a fallback model served instead.</summary>
    public string? FallbackFrom { get; set; }

    /// <summary>
    /// The client has been sent the final event of a complete stream. A client that closes after it (Codex does, as soon
    /// as it reads response.completed) has its whole answer: the request completed, whatever the upstream still sends.
    /// </summary>
    public bool ClientHasEnd { get; set; }

    /// <summary>The client's hosted tools left out of the upstream request (comma-separated types), for the ledger's note.</summary>
    public string? ToolsDropped { get; set; }

    /// <summary>Bounded copies of the prompt and answer, when the key's group stores bodies.</summary>
    public CapturedBodies? Bodies { get; set; }

    /// <summary>Set by the pipeline: makes the ledger record durable before the last bytes of a non-stream answer leave.</summary>
    public Func<RelayContext, ValueTask>? BeforeAnswer { get; set; }

    /// <summary>The write-ahead segment holding this request's provisional record, once <see cref="BeforeAnswerAsync"/> ran.</summary>
    public LedgerWal.Segment? Journaled { get; set; }

    /// <summary>Called right before the final write of a complete (non-stream) answer.</summary>
    public ValueTask BeforeAnswerAsync() => BeforeAnswer?.Invoke(this) ?? ValueTask.CompletedTask;

    public TimeSpan Elapsed => time.GetElapsedTime(_started);

    public long ElapsedMs => (long)time.GetElapsedTime(_started).TotalMilliseconds;

    /// <summary>Ended before any upstream attempt: logged as a failure, never summed as usage (see <see cref="UsageRecord.Refused"/>).</summary>
    public bool Refused { get; private set; }

    /// <summary>Marks a refusal and answers it; once an attempt reached an upstream the request is no refusal, whatever follows.</summary>
    public GatewayError? Refuse(GatewayError? error)
    {
        if (error is not null && Attempts.Count == 0)
        {
            Refused = true;
        }
        return error;
    }

    public void Fail(GatewayError error)
    {
        Error = error;
        Status = error.Status;
    }

    public void MarkFirstByte() => TtfbMs ??= (long)time.GetElapsedTime(_started).TotalMilliseconds;

    /// <summary>Runs an upstream wait and books its time apart, so the overhead header shows the gateway's own time.</summary>
    public async Task<T> TimeUpstreamAsync<T>(Task<T> upstream)
    {
        var start = time.GetTimestamp();
        try
        {
            return await upstream;
        }
        finally
        {
            _upstreamTicks += time.GetTimestamp() - start;
        }
    }

    /// <summary>The same for a body read: a read that completes at once allocates no task.</summary>
    public async ValueTask<T> TimeUpstreamAsync<T>(ValueTask<T> upstream)
    {
        var start = time.GetTimestamp();
        try
        {
            return await upstream;
        }
        finally
        {
            _upstreamTicks += time.GetTimestamp() - start;
        }
    }

    public double OverheadMs
    {
        get
        {
            var total = time.GetTimestamp() - _started;
            return Math.Max(0, (total - _upstreamTicks) * 1000.0 / time.TimestampFrequency);
        }
    }

    public UsageRecord ToRecord(PriceBook prices)
    {
        var price = CanonicalModel is null ? null : prices.Resolve(CanonicalModel, Route?.UpstreamModel, Key?.Group);
        var estimated = NeedsEstimate ? EstimateUsage() : default;
        return new()
        {
            RequestId = RequestId,
            CreatedAt = CreatedAt,
            Endpoint = Endpoint,
            KeyId = Key?.Id,
            KeyName = Key?.Name,
            User = Key?.User,
            Group = Key?.Group,
            RequestedModel = RequestedModel,
            ServedModel = Route?.UpstreamModel,
            Channel = Route?.Channel.Name,
            Status = Status,
            Usage = Usage,
            CostUsd = price?.Cost(Usage) ?? 0m,
            PriceVersion = price?.Version,
            Price = price,
            UsageEstimated = NeedsEstimate,
            EstimatedUsage = estimated,
            EstimatedCostUsd = NeedsEstimate ? price?.Cost(estimated) ?? 0m : 0m,
            LatencyMs = (long)time.GetElapsedTime(_started).TotalMilliseconds,
            TtfbMs = TtfbMs,
            Stream = Stream,
            ErrorKind = Error?.LedgerName,
            Error = Attempt.TextOf(Error),
            Refused = Refused && Error is not null,
            Attempts = Attempts.Count == 0 ? null : Attempt.Bounded(Attempts),
            AttemptCount = Attempts.Count,
            FallbackFrom = FallbackFrom,
            Note = ToolsDropped is { } dropped ? $"hosted tools left out: {dropped}" : null,
            Route = RouteDecision?.Rule,
            Arm = RouteDecision?.Arm,
            WalSegment = Journaled,
            Captured = Bodies,
        };
    }

    /// <summary>What telemetry reads of this request once it ended, beside its ledger record.</summary>
    public Telemetry.FinishedRequest Finished(UsageRecord record) =>
        new(record, CanonicalModel, Route, Elapsed, OverheadMs, Attempts.Count, FallbackFrom);

    /// <summary>
    /// The upstream took the request but the exchange ended early (stream cut, timed out, malformed or too large, or the
    /// client left or stopped reading) and it reported no usage at all: it may still bill, so the record carries an
    /// estimate beside its (empty) usage.
    /// </summary>
    private bool NeedsEstimate => UpstreamAnswered && Usage.Total == 0
        && Error?.Kind is GatewayErrorKind.ClientDisconnected or GatewayErrorKind.ClientStalled or GatewayErrorKind.UpstreamStreamBroken
            or GatewayErrorKind.UpstreamTimeout or GatewayErrorKind.UpstreamMalformed or GatewayErrorKind.UpstreamTooLarge;

    /// <summary>
    /// Input: a token per four bytes of request body (as the quota reservation); output: a token per relayed stream
    /// event, since OpenAI and Anthropic streams carry about one token per delta.
    /// </summary>
    private TokenUsage EstimateUsage() => new(RequestBytes / 4, StreamedEvents, 0, 0, 0);
}
