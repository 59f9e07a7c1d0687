using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Storage;

namespace Switchyard.Telemetry.Alerts;

/// <summary>
/// Delivers alerts to the configured webhooks off the request path: <see cref="Publish"/> only queues (a bounded
/// channel; a full queue drops and counts), one reader applies the rate limit per (webhook, event, subject), and
/// each delivery runs on its own, retried with exponential backoff on 5xx, 408, 429, timeouts and connection
/// failures. Every delivery — delivered, failed or suppressed — is recorded with its attempts and last error.
/// </summary>
public sealed partial class AlertDispatcher : BackgroundService
{
    private const int QueueCapacity = 1024;
    private const int ParallelDeliveries = 4;
    private readonly Routing.GatewayRuntime _runtime;
    private readonly AlertStore _store;
    private readonly TimeProvider _time;
    private readonly Security.Redactor _redactor;
    private readonly Metrics.GatewayMetrics _metrics;
    private readonly ILogger<AlertDispatcher> _logger;
    private readonly Channel<(WebhookConfig Webhook, Alert Alert)> _queue =
        Channel.CreateBounded<(WebhookConfig, Alert)>(new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<(string Webhook, string Event, string Subject), DateTimeOffset> _lastSent = [];
    private readonly SemaphoreSlim _slots = new(ParallelDeliveries);
    private readonly ConcurrentDictionary<Task, bool> _running = new();
    private readonly HttpClient _http;
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;

    public AlertDispatcher(Routing.GatewayRuntime runtime, AlertStore store, TimeProvider time, Security.Redactor redactor, Metrics.GatewayMetrics metrics,
        ILogger<AlertDispatcher> logger)
    {
        _runtime = runtime;
        _store = store;
        _time = time;
        _redactor = redactor;
        _metrics = metrics;
        _logger = logger;
        // Receivers answer directly; a redirect could carry the body (and its signature) somewhere unintended.
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Queues the alert for every webhook subscribed to its event. Never blocks, never throws.</summary>
    public void Publish(Alert alert)
    {
        foreach (var webhook in _runtime.Config.Alerts.Webhooks)
        {
            if (!webhook.Events.Contains(alert.Event, StringComparer.Ordinal))
            {
                continue;
            }
            if (!_queue.Writer.TryWrite((webhook, alert)))
            {
                _metrics.OnAlert(alert.Event, "dropped");
                LogDropped(_logger, alert.Event, webhook.Name);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (webhook, alert) in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                if (Suppressed(webhook, alert))
                {
                    await RecordAsync(webhook, alert, "suppressed", 0, null, null, stoppingToken);
                    continue;
                }
                if (!await ClaimAsync(webhook, alert, stoppingToken))
                {
                    await RecordAsync(webhook, alert, "suppressed", 0, null, "sent by another instance", stoppingToken);
                    continue;
                }
                await _slots.WaitAsync(stoppingToken);
                var delivery = Task.Run(() => DeliverAsync(webhook, alert, stoppingToken), CancellationToken.None);
                _running[delivery] = true;
                _ = delivery.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await Task.WhenAll(_running.Keys);
    }

    /// <summary>Only the reader calls this, so the map needs no lock.</summary>
    private bool Suppressed(WebhookConfig webhook, Alert alert)
    {
        var key = (webhook.Name, alert.Event, alert.Subject);
        var now = _time.GetUtcNow();
        if (_lastSent.TryGetValue(key, out var last) && now - last < _runtime.Config.Alerts.MinInterval)
        {
            return true;
        }
        _lastSent[key] = now;
        if (_lastSent.Count > 10_000)
        {
            var horizon = now - _runtime.Config.Alerts.MinInterval;
            foreach (var stale in _lastSent.Where(e => e.Value < horizon).Select(e => e.Key).ToList())
            {
                _lastSent.Remove(stale);
            }
        }
        return false;
    }

    /// <summary>
    /// Instances sharing a database each see the same outage or threshold: the shared claim lets one of them send.
    /// A database that cannot answer must not silence alerts, so then this instance sends (at worst a duplicate).
    /// </summary>
    private async Task<bool> ClaimAsync(WebhookConfig webhook, Alert alert, CancellationToken stoppingToken)
    {
        try
        {
            var now = _time.GetUtcNow();
            var minInterval = _runtime.Config.Alerts.MinInterval;
            if (now - _lastPrune > TimeSpan.FromHours(1))
            {
                _lastPrune = now;
                await _store.PruneClaimsAsync(now - minInterval, stoppingToken);
            }
            return await _store.TryClaimAsync(webhook.Name, alert.Event, alert.Subject, now, minInterval, stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogClaimFailed(_logger, alert.Event, webhook.Name, _redactor.Redact(e.Message));
            return true;
        }
    }

    private async Task DeliverAsync(WebhookConfig webhook, Alert alert, CancellationToken stoppingToken)
    {
        try
        {
            var settings = _runtime.Config.Alerts;
            var attempts = 0;
            int? status = null;
            string? error = null;
            var delivered = false;
            var backoff = settings.RetryBackoff;
            while (attempts < settings.MaxAttempts && !stoppingToken.IsCancellationRequested)
            {
                if (attempts > 0)
                {
                    await Task.Delay(backoff, _time, stoppingToken);
                    backoff *= 2;
                }
                attempts++;
                var (outcome, answered, failure) = await AttemptAsync(webhook, alert, settings.Timeout, stoppingToken);
                status = answered;
                error = failure;
                if (outcome == AttemptOutcome.Delivered)
                {
                    delivered = true;
                    break;
                }
                if (outcome == AttemptOutcome.Refused)
                {
                    break;
                }
            }
            if (!delivered)
            {
                LogFailed(_logger, alert.Event, webhook.Name, attempts, error ?? "not attempted");
            }
            await RecordAsync(webhook, alert, delivered ? "delivered" : "failed", attempts, status, error, CancellationToken.None);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-delivery: nothing is recorded for an alert that was neither delivered nor given up.
        }
        finally
        {
            _slots.Release();
        }
    }

    private enum AttemptOutcome
    {
        Delivered,
        Retry,
        Refused,
    }

    private async Task<(AttemptOutcome, int?, string?)> AttemptAsync(WebhookConfig webhook, Alert alert, TimeSpan timeout, CancellationToken stoppingToken)
    {
        using var request = WebhookRequest.Create(webhook, alert, _time.GetUtcNow());
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(deadline.Token);
            if (response.IsSuccessStatusCode)
            {
                // Feishu and DingTalk answer 200 with a non-zero code when they refuse (bad signature, keyword, rate).
                return WebhookAnswer.RefusalIn(webhook.Format, body) is { } refusal
                    ? (AttemptOutcome.Refused, status, Clean(refusal))
                    : (AttemptOutcome.Delivered, status, null);
            }
            var error = $"HTTP {status}" + (body.Length > 0 ? ": " + Clean(body.Length > 200 ? body[..200] : body) : "");
            return (status is 408 or 429 or >= 500 ? AttemptOutcome.Retry : AttemptOutcome.Refused, status, error);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return (AttemptOutcome.Retry, null, $"timed out after {timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return (AttemptOutcome.Retry, null, "unreachable: " + e.HttpRequestError);
        }
    }

    /// <summary>Receivers may echo the URL or its token back: what is stored and logged goes through the redactor.</summary>
    private string Clean(string text)
    {
        var redacted = _redactor.Redact(text);
        return redacted.ReplaceLineEndings(" ");
    }

    private async Task RecordAsync(WebhookConfig webhook, Alert alert, string status, int attempts, int? httpStatus, string? error, CancellationToken cancellationToken)
    {
        try
        {
            _metrics.OnAlert(alert.Event, status);
            var id = "alr_" + Guid.CreateVersion7(_time.GetUtcNow()).ToString("N");
            await _store.SaveAsync(new AlertDelivery(id, _time.GetUtcNow(), alert.Event, alert.Subject, webhook.Name, status, attempts, httpStatus,
                error, _redactor.Redact(alert.Message)), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRecordFailed(_logger, alert.Event, webhook.Name, _redactor.Redact(e.Message));
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        _slots.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 9101, Level = LogLevel.Warning, Message = "Alert {Event} to webhook {Webhook} failed after {Attempts} attempts: {Error}")]
    private static partial void LogFailed(ILogger logger, string @event, string webhook, int attempts, string error);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Warning, Message = "Alert {Event} for webhook {Webhook} dropped: the alert queue is full")]
    private static partial void LogDropped(ILogger logger, string @event, string webhook);

    [LoggerMessage(EventId = 9104, Level = LogLevel.Warning, Message = "Alert {Event} to webhook {Webhook}: the shared claim failed ({Error}); sending without it")]
    private static partial void LogClaimFailed(ILogger logger, string @event, string webhook, string error);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Warning, Message = "Alert {Event} to webhook {Webhook} could not be recorded: {Error}")]
    private static partial void LogRecordFailed(ILogger logger, string @event, string webhook, string error);
}
