using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Switchyard.Contracts;
using Switchyard.Routing;

namespace Switchyard.Telemetry.Tracing;

/// <summary>
/// The gateway's one <see cref="ActivitySource"/>: a server span per client request and a client span per upstream
/// attempt beneath it, with OpenTelemetry GenAI attributes. The attributes are not activity tags: the exporter writes
/// them from the request's state as each span ends (<see cref="SpanAttributes"/>), so in-process listeners see the
/// spans, their ids, timing and status, but no tags. Without a listener (no OTLP endpoint) no span is created and each
/// call below returns at its first test.
/// </summary>
public static class GatewayTracing
{
    public const string SourceName = "Switchyard";

    public static readonly ActivitySource Source = new(SourceName, typeof(GatewayTracing).Assembly.GetName().Version?.ToString(3));

    /// <summary>Starts the request span, continuing the caller's trace (W3C <c>traceparent</c>) when it sent one.</summary>
    public static Activity? StartRequest(HttpRequest request, string endpoint)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        // ASP.NET Core starts an activity of its own for each request when its hosting diagnostics logger is enabled
        // (the gateway turns that logger off, an operator's logging setup might not). Nobody exports it and, without a
        // sampled traceparent, it is not recorded, so as a parent it would make the sampler drop this span and the
        // whole trace. The request span is the gateway's entry span: its parent is the caller's context from the
        // headers, or none.
        if (Activity.Current is { Source.Name: not SourceName })
        {
            Activity.Current = null;
        }
        ActivityContext parent = default;
        if (request.Headers.TryGetValue("traceparent", out var traceparent))
        {
            ActivityContext.TryParse(traceparent.ToString(), request.Headers.TryGetValue("tracestate", out var state) ? state.ToString() : null, isRemote: true, out parent);
        }
        // Name and attributes are written when the span ends (RequestSpanAttributes), from the request's own state.
        return Source.StartActivity(endpoint, ActivityKind.Server, parent);
    }

    public static void EndRequest(Activity? activity, in FinishedRequest finished)
    {
        var record = finished.Record;
        if (activity is null)
        {
            return;
        }
        if (record.ErrorKind is { } error)
        {
            activity.SetStatus(ActivityStatusCode.Error, error);
        }
        if (activity.IsAllDataRequested && (record.ErrorKind is not null || finished.Attempts > 1 || finished.FallbackFrom is not null))
        {
            KeepForExport(activity);
        }
        RequestSpanAttributes.End(activity, finished);
    }

    /// <summary>Starts the span of one upstream attempt; <paramref name="number"/> counts from 1 across fallbacks.</summary>
    public static Activity? StartAttempt(int number)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        var activity = Source.StartActivity("chat", ActivityKind.Client);
        if (number > 1 && activity is { IsAllDataRequested: true })
        {
            // Anything after a first attempt follows a failure: part of the story a failure trace tells.
            KeepForExport(activity);
        }
        return activity;
    }

    public static void EndAttempt(Activity? activity, ChannelRoute route, int number, bool fallback, int status, string? errorKind, TokenUsage usage)
    {
        if (activity is null)
        {
            return;
        }
        if (errorKind is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, errorKind);
            if (activity.IsAllDataRequested)
            {
                KeepForExport(activity);
            }
        }
        AttemptSpanAttributes.End(activity, route, number, fallback, status, errorKind, usage);
    }

    /// <summary>The W3C trace context of the current span, for the upstream request.</summary>
    public static void Propagate(HttpRequestMessage message)
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } current)
        {
            message.Headers.TryAddWithoutValidation("traceparent", current.Id);
            if (current.TraceStateString is { } state)
            {
                message.Headers.TryAddWithoutValidation("tracestate", state);
            }
        }
    }

    /// <summary>
    /// A span left out by the sampling ratio but recorded as a candidate (<see cref="SpanSampler"/>) is exported
    /// after all when it ends flagged recorded: failures, retries and fallbacks are traced whatever the ratio.
    /// </summary>
    private static void KeepForExport(Activity activity) => activity.ActivityTraceFlags |= ActivityTraceFlags.Recorded;
}
