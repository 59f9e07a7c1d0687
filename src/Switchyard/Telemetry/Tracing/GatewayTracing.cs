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
            activity.SetTag("switchyard.request_id", context.RequestId);
            activity.SetTag("switchyard.protocol", context.Endpoint);
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
            activity.DisplayName = record.RequestedModel is { } model ? $"{OperationName(context.Endpoint)} {model}" : context.Endpoint;
            activity.SetTag("gen_ai.operation.name", OperationName(context.Endpoint));
            activity.SetTag("gen_ai.request.model", record.RequestedModel);
            activity.SetTag("gen_ai.response.model", record.ServedModel);
            if (context.Route is { } route)
            {
                activity.SetTag("gen_ai.system", route.Channel.Config.Type);
                activity.SetTag("switchyard.channel", route.Channel.Name);
            }
            activity.SetTag("switchyard.key", record.KeyName);
            activity.SetTag("switchyard.group", record.Group);
            activity.SetTag("switchyard.attempts", context.Attempts.Count);
            activity.SetTag("switchyard.fallback_from", context.FallbackFrom);
            SetUsage(activity, record.Usage);
            activity.SetTag("switchyard.cost_usd", (double)record.CostUsd);
            activity.SetTag("http.response.status_code", record.Status);
            if (record.ErrorKind is { } error)
            {
                activity.SetTag("error.type", error);
                activity.SetStatus(ActivityStatusCode.Error, error);
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
            activity.SetTag("gen_ai.operation.name", "chat");
            activity.SetTag("gen_ai.system", route.Channel.Config.Type);
            activity.SetTag("gen_ai.request.model", route.UpstreamModel);
            activity.SetTag("server.address", route.Channel.BaseUrl.Host);
            activity.SetTag("server.port", route.Channel.BaseUrl.Port);
            activity.SetTag("switchyard.channel", route.Channel.Name);
            activity.SetTag("switchyard.attempt", number);
            activity.SetTag("switchyard.fallback", fallbackFrom is not null);
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
            activity.SetTag("http.response.status_code", status);
            if (errorKind is null)
            {
                activity.SetTag("gen_ai.response.model", route.UpstreamModel);
                SetUsage(activity, usage);
            }
            else
            {
                activity.SetTag("error.type", errorKind);
                activity.SetStatus(ActivityStatusCode.Error, errorKind);
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

    private static void SetUsage(Activity activity, TokenUsage usage)
    {
        if (usage.Total > 0)
        {
            activity.SetTag("gen_ai.usage.input_tokens", usage.Input);
            activity.SetTag("gen_ai.usage.output_tokens", usage.Output);
        }
    }

    private static string OperationName(string endpoint) => endpoint switch
    {
        "embeddings" => "embeddings",
        _ => "chat",
    };
}
