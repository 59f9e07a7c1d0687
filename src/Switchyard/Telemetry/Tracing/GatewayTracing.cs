using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Switchyard.Billing;
using Switchyard.Relay;
using Switchyard.Routing;

namespace Switchyard.Telemetry.Tracing;

/// <summary>
/// The gateway's one <see cref="ActivitySource"/>: a server span per client request and a client span per upstream
/// attempt beneath it, with OpenTelemetry GenAI attributes. Without a listener (no OTLP endpoint) no span is created
/// and each call below returns at its first test.
/// </summary>
public static class GatewayTracing
{
    public const string SourceName = "Switchyard";

    public static readonly ActivitySource Source = new(SourceName, typeof(GatewayTracing).Assembly.GetName().Version?.ToString(3));

    /// <summary>Starts the request span, continuing the caller's trace (W3C <c>traceparent</c>) when it sent one.</summary>
    public static Activity? StartRequest(HttpRequest request, RelayContext context)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        // ASP.NET Core starts an activity of its own for each request whenever any logger is enabled for it, as in
        // every real deployment. Nobody exports it and, without a sampled traceparent, it is not recorded, so as a
        // parent it would make the sampler drop this span and the whole trace. The request span is the gateway's
        // entry span: its parent is the caller's context from the headers, or none.
        if (Activity.Current is { Source.Name: not SourceName })
        {
            Activity.Current = null;
        }
        ActivityContext parent = default;
        if (request.Headers.TryGetValue("traceparent", out var traceparent))
        {
            ActivityContext.TryParse(traceparent.ToString(), request.Headers.TryGetValue("tracestate", out var state) ? state.ToString() : null, isRemote: true, out parent);
        }
        var activity = Source.StartActivity(context.Endpoint, ActivityKind.Server, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.AddTag("switchyard.request_id", context.RequestId);
            activity.AddTag("switchyard.protocol", context.Endpoint);
        }
        return activity;
    }

    public static void EndRequest(Activity? activity, RelayContext context, UsageRecord record)
    {
        if (activity is null)
        {
            return;
        }
        if (activity.IsAllDataRequested)
        {
            var operation = OperationName(context.Endpoint);
            activity.DisplayName = record.RequestedModel is { } model ? operation + " " + model : context.Endpoint;
            activity.AddTag("gen_ai.operation.name", operation);
            Add(activity, "gen_ai.request.model", record.RequestedModel);
            Add(activity, "gen_ai.response.model", record.ServedModel);
            if (context.Route is { } route)
            {
                activity.AddTag("gen_ai.system", route.Channel.Config.Type);
                activity.AddTag("switchyard.channel", route.Channel.Name);
            }
            Add(activity, "switchyard.key", record.KeyName);
            Add(activity, "switchyard.group", record.Group);
            activity.AddTag("switchyard.attempts", context.Attempts.Count);
            Add(activity, "switchyard.fallback_from", context.FallbackFrom);
            AddUsage(activity, record.Usage);
            activity.AddTag("switchyard.cost_usd", (double)record.CostUsd);
            activity.AddTag("http.response.status_code", record.Status);
            if (record.ErrorKind is { } error)
            {
                activity.AddTag("error.type", error);
                activity.SetStatus(ActivityStatusCode.Error, error);
            }
            if (record.ErrorKind is not null || context.Attempts.Count > 1 || context.FallbackFrom is not null)
            {
                KeepForExport(activity);
            }
        }
        activity.Dispose();
    }

    /// <summary>Starts the span of one upstream attempt; <paramref name="number"/> counts from 1 across fallbacks.</summary>
    public static Activity? StartAttempt(ChannelRoute route, int number, string? fallbackFrom)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        var activity = Source.StartActivity("chat " + route.UpstreamModel, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.AddTag("gen_ai.operation.name", "chat");
            activity.AddTag("gen_ai.system", route.Channel.Config.Type);
            activity.AddTag("gen_ai.request.model", route.UpstreamModel);
            activity.AddTag("server.address", route.Channel.BaseUrl.Host);
            activity.AddTag("server.port", route.Channel.BaseUrl.Port);
            activity.AddTag("switchyard.channel", route.Channel.Name);
            activity.AddTag("switchyard.attempt", number);
            activity.AddTag("switchyard.fallback", fallbackFrom is not null);
            if (number > 1)
            {
                // Anything after a first attempt follows a failure: part of the story a failure trace tells.
                KeepForExport(activity);
            }
        }
        return activity;
    }

    public static void EndAttempt(Activity? activity, ChannelRoute route, int status, string? errorKind, Billing.TokenUsage usage)
    {
        if (activity is null)
        {
            return;
        }
        if (activity.IsAllDataRequested)
        {
            activity.AddTag("http.response.status_code", status);
            if (errorKind is null)
            {
                activity.AddTag("gen_ai.response.model", route.UpstreamModel);
                AddUsage(activity, usage);
            }
            else
            {
                activity.AddTag("error.type", errorKind);
                activity.SetStatus(ActivityStatusCode.Error, errorKind);
                KeepForExport(activity);
            }
        }
        activity.Dispose();
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

    private static void AddUsage(Activity activity, TokenUsage usage)
    {
        if (usage.Total > 0)
        {
            activity.AddTag("gen_ai.usage.input_tokens", usage.Input);
            activity.AddTag("gen_ai.usage.output_tokens", usage.Output);
        }
    }

    /// <summary>
    /// A span left out by the sampling ratio but recorded as a candidate (<see cref="SpanSampler"/>) is exported
    /// after all when it ends flagged recorded: failures, retries and fallbacks are traced whatever the ratio.
    /// </summary>
    private static void KeepForExport(Activity activity) => activity.ActivityTraceFlags |= ActivityTraceFlags.Recorded;

    /// <summary>AddTag appends without the search SetTag makes for an existing key: each span sets a key once.</summary>
    private static void Add(Activity activity, string key, string? value)
    {
        if (value is not null)
        {
            activity.AddTag(key, value);
        }
    }

    private static string OperationName(string endpoint) => endpoint switch
    {
        "embeddings" => "embeddings",
        _ => "chat",
    };
}
