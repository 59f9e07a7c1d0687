using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Providers;
using Switchyard.Routing;
using Switchyard.Storage;

namespace Switchyard.Resilience;

/// <summary>
/// Probes every channel key each <c>health_checks.interval</c> with the cheapest request its provider allows (the
/// model list). Of several instances sharing a database only the lease holder probes a key; every instance applies
/// the shared result: a healthy probe re-closes an open circuit, a refused key is disabled, a failing one counts
/// toward its circuit.
/// </summary>
public sealed partial class HealthChecker(GatewayRuntime runtime, HealthStore store, UpstreamClient upstream, TimeProvider time, ILogger<HealthChecker> logger,
    Telemetry.Metrics.GatewayMetrics metrics)
    : BackgroundService
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);
    private readonly string _holder = Environment.MachineName + ":" + Environment.ProcessId + ":" + Guid.NewGuid().ToString("N")[..8];
    /// <summary>Upstream error text kept from a test's answer: enough for a message, never a whole page.</summary>
    private const int ErrorTextChars = 300;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _applied = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = runtime.Config.HealthChecks.Interval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogRoundFailed(logger, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round: probe the keys whose lease this instance wins, then apply everyone's latest results.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var interval = runtime.Config.HealthChecks.Interval;
        // The lease outlives the round slightly less than an interval, so the next round may be anyone's.
        var lease = interval > TimeSpan.FromSeconds(2) ? interval - TimeSpan.FromSeconds(1) : interval;
        var probes = new List<Task>();
        foreach (var channel in runtime.Catalog.Channels)
        {
            foreach (var key in channel.Keys)
            {
                if (await store.TryTakeLeaseAsync(key.Health.Id, _holder, time.GetUtcNow(), lease, cancellationToken))
                {
                    probes.Add(ProbeAndSaveAsync(channel, key, cancellationToken));
                }
            }
        }
        await Task.WhenAll(probes);
        var results = await store.LoadAsync(cancellationToken);
        foreach (var channel in runtime.Catalog.Channels)
        {
            foreach (var key in channel.Keys)
            {
                if (results.TryGetValue(key.Health.Id, out var result))
                {
                    ApplyIfNewer(key.Health, result);
                }
            }
        }
    }

    /// <summary>
    /// Probes one key now, on demand (the admin API's channel test): the same probe as a round's, its result saved
    /// and applied here at once (every other instance applies it at its next round), with the upstream's own error
    /// text passed through <paramref name="redact"/> — which must take out key material — and cut short.
    /// </summary>
    public async Task<HealthProbeResult> TestAsync(Channel channel, ChannelKey key, Func<string, string> redact, CancellationToken cancellationToken)
    {
        var (result, upstreamText) = await ProbeAsync(channel, key, readError: true, cancellationToken);
        if (upstreamText is { Length: > 0 })
        {
            var text = redact(upstreamText);
            result = result with { Error = Bounded(result.Error + ": " + text) };
        }
        metrics.OnHealthCheck(channel.Name, result.Ok, result.Status);
        await store.SaveAsync(key.Health.Id, result, cancellationToken);
        ApplyIfNewer(key.Health, result);
        return result;
    }

    private static string Bounded(string text) => text.Length <= ErrorTextChars ? text : string.Concat(text.AsSpan(0, ErrorTextChars - 1), "…");

    private void ApplyIfNewer(KeyHealth health, HealthProbeResult result)
    {
        var applied = false;
        _applied.AddOrUpdate(health.Id, _ =>
        {
            applied = true;
            return result.At;
        }, (_, seen) =>
        {
            applied = result.At > seen;
            return applied ? result.At : seen;
        });
        if (applied)
        {
            Apply(health, result);
        }
    }

    private static void Apply(KeyHealth health, HealthProbeResult result)
    {
        health.LastProbe = result;
        switch (result.Status)
        {
            case >= 200 and < 300:
                health.OnProbeSucceeded();
                break;
            case 401 or 403:
                health.Disable($"the health check got {result.Status} for this key");
                break;
            case 429:
                break;
            default:
                health.OnFailure();
                break;
        }
    }

    private async Task ProbeAndSaveAsync(Channel channel, ChannelKey key, CancellationToken cancellationToken)
    {
        var (result, _) = await ProbeAsync(channel, key, readError: false, cancellationToken);
        metrics.OnHealthCheck(channel.Name, result.Ok, result.Status);
        await store.SaveAsync(key.Health.Id, result, cancellationToken);
    }

    /// <returns>The result, and with <paramref name="readError"/> the upstream's error message when it refused (unredacted).</returns>
    private async Task<(HealthProbeResult Result, string? UpstreamText)> ProbeAsync(Channel channel, ChannelKey key, bool readError, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(channel.BaseUrl, "models"));
        if (key.Secret is { } secret)
        {
            if (channel.Config.Family == ChannelFamily.Anthropic)
            {
                message.Headers.TryAddWithoutValidation("x-api-key", secret);
                message.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
            }
            else if (channel.Config.Family == ChannelFamily.Gemini)
            {
                message.Headers.TryAddWithoutValidation("x-goog-api-key", secret);
            }
            else
            {
                message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + secret);
            }
        }
        foreach (var (name, value) in channel.Config.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            using var response = await upstream.Invoker.SendAsync(message, timeout.Token);
            var status = (int)response.StatusCode;
            var body = response.IsSuccessStatusCode || (!readError && !(channel.Config.Family == ChannelFamily.Gemini && status == 400))
                ? null : await ReadSmallAsync(response, timeout.Token);
            var text = readError && body is not null ? UpstreamErrorText.Of(body) : null;
            if (channel.Config.Family == ChannelFamily.Gemini && status == 400 && Providers.Gemini.GeminiKeyRejection.IsKeyRejected(status, body))
            {
                // Counted as the 401 it means, so every instance that reads this result disables the key too.
                return (new HealthProbeResult(time.GetUtcNow(), false, 401, Elapsed(started), $"status 400 {Providers.Gemini.GeminiKeyRejection.Reason}"), text);
            }
            return (new HealthProbeResult(time.GetUtcNow(), response.IsSuccessStatusCode, status, Elapsed(started), response.IsSuccessStatusCode ? null : $"status {status}"), text);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (new HealthProbeResult(time.GetUtcNow(), false, null, Elapsed(started), e is HttpRequestException http ? $"unreachable: {http.HttpRequestError}" : "timed out"), null);
        }
    }

    private static async Task<byte[]> ReadSmallAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
        {
            read += n;
        }
        return buffer[..read];
    }

    private long Elapsed(long started) => (long)time.GetElapsedTime(started).TotalMilliseconds;

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Health-check round failed: {Reason}")]
    private static partial void LogRoundFailed(ILogger logger, string reason);
}
