using System.Buffers;
using System.Collections.Frozen;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchyard.Billing;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols;
using Switchyard.Providers;
using Switchyard.Routing;
using Switchyard.Tenancy;
using QuotaTicketResult = (Switchyard.Quotas.QuotaTicket? Ticket, Switchyard.Quotas.QuotaDenial? Denial);

namespace Switchyard.Relay;

/// <summary>
/// The request pipeline for every client protocol: authenticate, read, resolve the route, call the upstream
/// (byte fast path when both sides speak the same protocol, canonical conversion otherwise), answer, and settle
/// the ledger record whatever happened.
/// </summary>
public sealed partial class ChatRelay(
    GatewayRuntime runtime,
    KeyRing keys,
    UpstreamClient upstream,
    LedgerWriter ledger,
    IEnumerable<IProviderAdapter> providers,
    Quotas.QuotaPlanner quotaPlanner,
    Quotas.IQuotaStore quotas,
    TimeProvider time,
    ILogger<ChatRelay> logger,
    Telemetry.Metrics.GatewayMetrics metrics,
    Telemetry.Logging.RequestLog requestLog,
    Telemetry.Alerts.BudgetAlerts budgets,
    Security.Redactor redactor)
{
    private readonly FrozenDictionary<string, IProviderAdapter> _providers = providers.ToFrozenDictionary(p => p.Name, StringComparer.Ordinal);

    public Task HandleAsync(HttpContext http, ClientProtocol protocol) => HandleAsync(http, protocol, null);

    /// <summary>
    /// A request whose caller was already identified another way (the console's playground, signed in as a user): it
    /// runs as <paramref name="key"/> with every check after authentication, so its limits, models and ledger record are
    /// those of any request made with that key.
    /// </summary>
    public Task HandleAsAsync(HttpContext http, ClientProtocol protocol, VirtualKey key) => HandleAsync(http, protocol, key);

    private async Task HandleAsync(HttpContext http, ClientProtocol protocol, VirtualKey? identified)
    {
        var context = new RelayContext(protocol.Endpoint, time) { BeforeAnswer = _journalAhead ??= JournalAheadAsync };
        http.Response.Headers["x-request-id"] = context.RequestId;
        var aborted = http.RequestAborted;
        var span = Telemetry.Tracing.GatewayTracing.StartRequest(http.Request, context.Endpoint);
        try
        {
            if (await RunAsync(http, protocol, context, identified) is { } error && !(error.Kind == GatewayErrorKind.ClientDisconnected && context.ClientHasEnd))
            {
                context.Fail(error);
                if (!http.Response.HasStarted)
                {
                    RelayHeaders.WriteOverhead(http.Response, context);
                    await WriteErrorAsync(http.Response, protocol, error);
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            if (!context.ClientHasEnd)
            {
                context.Fail(StreamErrors.ClientLeft);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !aborted.IsCancellationRequested)
        {
            LogRelayFailed(logger, context.RequestId, e);
            var error = new GatewayError(GatewayErrorKind.Internal, 500, "The gateway failed to process the request.");
            context.Fail(error);
            if (!http.Response.HasStarted)
            {
                await WriteErrorAsync(http.Response, protocol, error);
            }
            else
            {
                http.Abort();
            }
        }
        finally
        {
            var record = context.ToRecord(runtime.Prices);
            if (context.Quota is { } ticket)
            {
                await SettleAsync(ticket, record);
                if (record.CostUsd > 0)
                {
                    budgets.OnSettled(ticket.Plan);
                }
            }
            var finished = context.Finished(record);
            metrics.OnRequest(finished);
            requestLog.Write(record);
            Telemetry.Tracing.GatewayTracing.EndRequest(span, finished);
            // Awaited before the handler returns: a stream's last chunk leaves only once its record is on disk.
            await ledger.RecordAsync(record);
        }
    }

    private Func<RelayContext, ValueTask>? _journalAhead;

    /// <summary>The group stores bodies: keep the prompt and tee the response body (bounded, redacted later by the ledger writer).</summary>
    private void CaptureBodies(HttpContext http, RelayContext context, ReadOnlySpan<byte> prompt)
    {
        var capture = new CapturedBodies(runtime.Config.Retention.BodyMaxBytes);
        capture.SetPrompt(prompt);
        context.Bodies = capture;
        http.Response.Body = new CapturingResponseStream(http.Response.Body, capture);
    }

    private async ValueTask JournalAheadAsync(RelayContext context) =>
        context.Journaled = await ledger.JournalAheadAsync(context.ToRecord(runtime.Prices));

    /// <summary>Reserves on every quota in scope, or refuses with 429 naming the limit, its window and when to retry.</summary>
    private async Task<GatewayError?> AdmitAsync(HttpContext http, RelayContext context, int bodyBytes, long? maxOutputTokens)
    {
        if (quotaPlanner.Plan(context.Key!, context.CanonicalModel!, Configuration.LimitEndpoints.For(context.Endpoint, context.Stream), bodyBytes, maxOutputTokens) is not { } plan)
        {
            return null;
        }
        QuotaTicketResult admission;
        try
        {
            admission = await quotas.AdmitAsync(plan, http.RequestAborted);
        }
        catch (Quotas.QuotaUnavailableException unavailable)
        {
            return new GatewayError(GatewayErrorKind.Internal, 503, unavailable.Message) { Code = "limits_unavailable" };
        }
        var (ticket, denial) = admission;
        var headers = http.Response.Headers;
        if (denial is not null)
        {
            metrics.OnRateLimited(denial.Limit, denial.Scope);
            budgets.OnRefused(plan, denial);
            headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(denial.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (denial.Limit is "rpm" or "tpm")
            {
                var kind = denial.Limit == "rpm" ? "requests" : "tokens";
                headers[$"x-ratelimit-limit-{kind}"] = ((long)denial.Value).ToString(System.Globalization.CultureInfo.InvariantCulture);
                headers[$"x-ratelimit-remaining-{kind}"] = "0";
            }
            return new GatewayError(GatewayErrorKind.RateLimited, 429, $"Rate limit reached for {denial.Message}.");
        }
        context.Quota = ticket;
        var limits = ticket!.Headers;
        if (limits.RequestLimit is { } requestLimit)
        {
            headers["x-ratelimit-limit-requests"] = requestLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-requests"] = limits.RequestsRemaining!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (limits.TokenLimit is { } tokenLimit)
        {
            headers["x-ratelimit-limit-tokens"] = tokenLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-tokens"] = limits.TokensRemaining!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return null;
    }

    /// <summary>True usage replaces the reservation; a request that used nothing gives it back.</summary>
    private async Task SettleAsync(Quotas.QuotaTicket ticket, UsageRecord record)
    {
        try
        {
            if (record.Usage.Total > 0)
            {
                await quotas.SettleAsync(ticket, record.Usage.Total, record.CostUsd, CancellationToken.None);
            }
            else
            {
                await quotas.ReleaseAsync(ticket, CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            LogSettleFailed(logger, record.RequestId, e.Message);
        }
    }

    public static async Task WriteErrorAsync(HttpResponse response, ClientProtocol protocol, GatewayError error)
    {
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (!error.UpstreamBody.IsEmpty)
        {
            protocol.WritePassedError(response.BodyWriter, error.UpstreamBody.Span);
        }
        else
        {
            protocol.WriteError(response.BodyWriter, error);
        }
        await response.BodyWriter.FlushAsync();
    }

    /// <summary>This gateway instance's hop marker (see <see cref="RelayHeaders.Hop"/>), random per start.</summary>
    private readonly string _instance = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    private async Task<GatewayError?> RunAsync(HttpContext http, ClientProtocol protocol, RelayContext context, VirtualKey? identified)
    {
        if (RelayHeaders.NextHops(http.Request, _instance) is not { } hops)
        {
            return context.Refuse(new GatewayError(GatewayErrorKind.InvalidRequest, 508,
                "This request already passed through this gateway: a channel points back at it, which would loop.")
            { Code = "loop_detected" });
        }
        context.Hops = hops;
        if (identified is not null)
        {
            context.Key = identified;
        }
        else if (KeyAuthentication.Authenticate(keys, protocol.ApiKey(http.Request), context, http) is { } authError)
        {
            return context.Refuse(authError);
        }
        var (body, bodyError) = await RequestBodyReader.ReadAsync(http.Request, runtime.Config.Server.MaxBodyBytes, http.RequestAborted);
        if (bodyError is not null)
        {
            if (bodyError.Status == 408)
            {
                // A slow client is not a gateway failure: information, not error.
                LogSlowBody(logger, context.RequestId, context.Key!.Group);
            }
            return context.Refuse(bodyError);
        }
        context.RequestBytes = body.Length;
        // Checked once for every path: the fast path forwards the bytes unread, and an upstream that chokes on them
        // answers 5xx, which would count against a key other tenants share.
        if (Wire.UnicodeCheck.FindProblem(body.Span) is { } textProblem)
        {
            return context.Refuse(new GatewayError(GatewayErrorKind.MalformedJson, 400, textProblem) { Code = "invalid_unicode" });
        }
        if (runtime.Current.BodyGroups.Contains(context.Key!.Group))
        {
            CaptureBodies(http, context, body.Span);
        }
        using var envelope = protocol.ReadEnvelope(http.Request, body, out var parseError);
        if (envelope is null)
        {
            return context.Refuse(parseError);
        }
        context.Stream = protocol.CanStream && envelope.Stream;
        if (System.Text.Encoding.UTF8.GetByteCount(envelope.Model) > RequestEnvelope.MaxModelBytes)
        {
            // Refused before it is recorded: the name would otherwise be stored in the ledger and logs at any length.
            return context.Refuse(new GatewayError(GatewayErrorKind.InvalidRequest, 400,
                $"The model name is longer than {RequestEnvelope.MaxModelBytes} bytes.")
            { Param = "model", Code = "model_name_too_long" });
        }
        if (RouteResolution.Check(runtime, context, envelope.Model) is { } modelError)
        {
            return context.Refuse(modelError);
        }
        if (!runtime.Current.Routes.IsEmpty && RouteResolution.ApplyRules(runtime, context, http.Response, new RouteRequest(http.Request, context, envelope, body.Length)) is { } ruleError)
        {
            return context.Refuse(ruleError);
        }
        if (await AdmitAsync(http, context, body.Length, envelope.MaxOutputTokens) is { } quotaError)
        {
            return context.Refuse(quotaError);
        }
        return await DispatchAsync(http, protocol, envelope, context);
    }

    private static HttpRequestMessage NewMessage(Routing.ChannelRoute route, string path, ReadOnlyMemory<byte> body, bool stream, string hops)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, route.Channel.UrlFor(path))
        {
            Content = new ReadOnlyMemoryContent(body),
            Version = System.Net.HttpVersion.Version11,
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        message.Headers.Accept.ParseAdd(stream ? "text/event-stream" : "application/json");
        message.Headers.TryAddWithoutValidation(RelayHeaders.Hop, hops);
        foreach (var (name, value) in route.Channel.Config.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
        return message;
    }

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Request {RequestId} of group {Group}: the body arrived too slowly; answered 408")]
    private static partial void LogSlowBody(ILogger logger, string requestId, string group);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Quota settlement of request {RequestId} failed: {Reason}")]
    private static partial void LogSettleFailed(ILogger logger, string requestId, string reason);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Request {RequestId} failed inside the gateway")]
    private static partial void LogRelayFailed(ILogger logger, string requestId, Exception exception);
}
