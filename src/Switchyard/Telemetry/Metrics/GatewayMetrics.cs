using System.Diagnostics;
using System.Diagnostics.Metrics;
using Switchyard.Configuration;
using Switchyard.Contracts;

namespace Switchyard.Telemetry.Metrics;

/// <summary>
/// The gateway's one <see cref="Meter"/> and its per-request instruments. Labels are bounded: configured models,
/// channels and groups, the protocol, the status class and the outcome; never ids, never secrets. Measurements
/// carry their tags in a <see cref="TagList"/> (no allocation up to eight tags).
/// </summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "Switchyard";
    public const string None = "none";

    private static readonly string[] StatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];
    private readonly bool _perKey;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _armRequests;
    private readonly Histogram<double> _armDuration;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _timeToFirstChunk;
    private readonly Histogram<double> _overhead;
    private readonly Histogram<double> _attemptDuration;
    private readonly Histogram<long> _tokenUsage;
    private readonly Counter<long> _tokens;
    private readonly Counter<double> _cost;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _healthChecks;
    private readonly Counter<long> _alerts;

    public GatewayMetrics(GatewayConfig config)
    {
        _perKey = config.Metrics.PerKey;
        Meter = new Meter(MeterName, typeof(GatewayMetrics).Assembly.GetName().Version?.ToString(3));
        double[] seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 300, 600];
        _requests = Meter.CreateCounter<long>("switchyard.requests", "{request}", "Client requests by protocol, model, channel, group, status class and outcome.");
        _duration = Meter.CreateHistogram("gen_ai.client.operation.duration", "s", "Duration of client requests, from arrival to the last byte sent.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = seconds });
        _timeToFirstChunk = Meter.CreateHistogram("gen_ai.client.operation.time_to_first_chunk", "s", "Time from the request's arrival to the first byte of a streamed answer.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = seconds });
        _overhead = Meter.CreateHistogram("switchyard.gateway.overhead", "s", "Time the gateway itself spent on a request, upstream waits excluded.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1] });
        _attemptDuration = Meter.CreateHistogram("switchyard.upstream.attempt.duration", "s", "Duration of each upstream attempt (retries and fallbacks included).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = seconds });
        _tokenUsage = Meter.CreateHistogram("gen_ai.client.token.usage", "{token}", "Input and output tokens per request.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576] });
        _armRequests = Meter.CreateCounter<long>("switchyard.route.requests", "{request}",
            "Requests a routing rule matched, by rule, split arm (empty for a plain rule), status class and outcome; both come from the config or the admin API (at most 100 stored rules), so the labels are bounded.");
        _armDuration = Meter.CreateHistogram("switchyard.route.duration", "s", "Duration of the requests a routing rule matched, by rule and split arm.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });
        _tokens = Meter.CreateCounter<long>("switchyard.tokens", "{token}", "Tokens by type: input, output, cached (input read from cache), reasoning (part of output).");
        _cost = Meter.CreateCounter<double>("switchyard.cost.usd", "USD", "Cost of the served requests at the configured prices.");
        _rateLimited = Meter.CreateCounter<long>("switchyard.rate_limit.rejections", "{request}", "Requests refused with 429 by a gateway limit, by limit kind and scope.");
        _retries = Meter.CreateCounter<long>("switchyard.retries", "{attempt}", "Upstream attempts after the first for the same model.");
        _fallbacks = Meter.CreateCounter<long>("switchyard.fallbacks", "{request}", "Requests moved to a fallback model, by requested and fallback model.");
        _healthChecks = Meter.CreateCounter<long>("switchyard.health_checks", "{probe}", "Health probes this instance ran, by channel and result.");
        _alerts = Meter.CreateCounter<long>("switchyard.alerts.sent", "{alert}", "Alert deliveries to webhooks by event and outcome (delivered, failed, suppressed, dropped).");
    }

    public Meter Meter { get; }

    public static string StatusClass(int status) => status is >= 100 and < 600 ? StatusClasses[(status / 100) - 1] : "other";

    /// <summary>Everything known once a request ended: its count, durations, tokens and cost.</summary>
    public void OnRequest(in FinishedRequest finished)
    {
        var record = finished.Record;
        var protocol = record.Endpoint;
        var model = finished.CanonicalModel ?? None;
        var channel = record.Channel ?? None;
        var group = record.Group ?? None;
        var statusClass = StatusClass(record.Status);

        var tags = new TagList
        {
            { "protocol", protocol },
            { "model", model },
            { "channel", channel },
            { "group", group },
            { "status_class", statusClass },
        };
        _duration.Record(finished.Elapsed.TotalSeconds, tags);
        tags.Add("outcome", record.ErrorKind ?? "success");
        if (_perKey)
        {
            tags.Add("key", record.KeyName ?? None);
        }
        _requests.Add(1, tags);
        if (record.Route is { } route)
        {
            var arm = record.Arm ?? "";
            _armRequests.Add(1, new TagList { { "route", route }, { "arm", arm }, { "status_class", statusClass }, { "outcome", record.ErrorKind ?? "success" } });
            _armDuration.Record(finished.Elapsed.TotalSeconds, new TagList { { "route", route }, { "arm", arm } });
        }
        _overhead.Record(finished.OverheadMs / 1000.0, new KeyValuePair<string, object?>("protocol", protocol));
        if (record.Stream && record.TtfbMs is { } ttfb && record.ErrorKind is null)
        {
            _timeToFirstChunk.Record(ttfb / 1000.0, new TagList { { "protocol", protocol }, { "model", model }, { "channel", channel }, { "group", group } });
        }
        var usage = record.Usage;
        if (usage.Total > 0)
        {
            RecordTokens(usage, model, channel, group, record.KeyName);
        }
        if (record.CostUsd > 0)
        {
            var costTags = new TagList { { "model", model }, { "channel", channel }, { "group", group } };
            if (_perKey)
            {
                costTags.Add("key", record.KeyName ?? None);
            }
            _cost.Add((double)record.CostUsd, costTags);
        }
    }

    private void RecordTokens(TokenUsage usage, string model, string channel, string group, string? key)
    {
        _tokenUsage.Record(usage.Input, new TagList { { "gen_ai.token.type", "input" }, { "model", model }, { "channel", channel }, { "group", group } });
        _tokenUsage.Record(usage.Output, new TagList { { "gen_ai.token.type", "output" }, { "model", model }, { "channel", channel }, { "group", group } });
        AddTokens("input", usage.Input, model, channel, group, key);
        AddTokens("output", usage.Output, model, channel, group, key);
        AddTokens("cached", usage.Cached, model, channel, group, key);
        AddTokens("reasoning", usage.Reasoning, model, channel, group, key);
    }

    private void AddTokens(string type, long count, string model, string channel, string group, string? key)
    {
        if (count <= 0)
        {
            return;
        }
        var tags = new TagList { { "type", type }, { "model", model }, { "channel", channel }, { "group", group } };
        if (_perKey)
        {
            tags.Add("key", key ?? None);
        }
        _tokens.Add(count, tags);
    }

    public void OnAttempt(string channel, string upstreamModel, int status, double seconds) =>
        _attemptDuration.Record(seconds, new TagList { { "channel", channel }, { "model", upstreamModel }, { "status_class", StatusClass(status) } });

    public void OnRetry(string model, string channel) =>
        _retries.Add(1, new TagList { { "model", model }, { "channel", channel } });

    public void OnFallback(string from, string to) =>
        _fallbacks.Add(1, new TagList { { "from", from }, { "to", to } });

    /// <summary><paramref name="scopeLabel"/> is the quota scope's label ("key k", "group g model m"); only its kind is kept.</summary>
    public void OnRateLimited(string limit, string scopeLabel) =>
        _rateLimited.Add(1, new TagList { { "limit", limit }, { "scope", ScopeKind(scopeLabel) } });

    public void OnHealthCheck(string channel, bool ok, int? status) =>
        _healthChecks.Add(1, new TagList { { "channel", channel }, { "result", ok ? "ok" : status is 401 or 403 ? "unauthorized" : status is null ? "unreachable" : "failed" } });

    public void OnAlert(string @event, string outcome) =>
        _alerts.Add(1, new TagList { { "event", @event }, { "outcome", outcome } });

    /// <summary>key, user or group, with <c>_model</c> or <c>_endpoint</c> for the limits a scope sets per model or kind of call.</summary>
    public static string ScopeKind(string scopeLabel)
    {
        var kind = scopeLabel.StartsWith("key ", StringComparison.Ordinal) ? "key" : scopeLabel.StartsWith("user ", StringComparison.Ordinal) ? "user" : "group";
        return scopeLabel.Contains(" endpoint ", StringComparison.Ordinal) ? kind + "_endpoint"
            : scopeLabel.Contains(" model ", StringComparison.Ordinal) ? kind + "_model"
            : kind;
    }

    public void Dispose() => Meter.Dispose();
}
