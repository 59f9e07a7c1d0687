using Microsoft.Extensions.Logging;
using Switchyard.Telemetry.Otlp;

namespace Switchyard.Telemetry.Metrics;

/// <summary>
/// Pushes the in-process aggregation (the one <c>/metrics</c> serves) to an OTLP/HTTP collector every export
/// interval. Cumulative temporality, so a lost push costs nothing but freshness: the next one carries the totals.
/// One aggregation for both outputs keeps each measurement to one lookup on the request path.
/// </summary>
internal sealed class OtlpMetricsPush : IAsyncDisposable
{
    private readonly MetricsCollector _collector;
    private readonly OtlpResource _resource;
    private readonly TimeSpan _interval;
    private readonly OtlpHttpSender _sender;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _exporting = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly ulong _startUnixNano = NowUnixNano();
    private Task? _loop;
    private int _disposed;

    public OtlpMetricsPush(MetricsCollector collector, Uri endpoint, OtlpResource resource, TimeSpan interval, ILogger logger)
    {
        _collector = collector;
        _resource = resource;
        _interval = interval;
        _logger = logger;
        _sender = new OtlpHttpSender(endpoint, "metrics", "the next export carries the cumulative totals", logger);
    }

    public void Start() => _loop = RunAsync(_stop.Token);

    /// <summary>Collects and sends one export now; false when the collector refused it or could not be reached.</summary>
    public async Task<bool> ExportAsync(CancellationToken cancellationToken)
    {
        await _exporting.WaitAsync(cancellationToken);
        try
        {
            var body = _collector.Read(instruments => OtlpMetricsEncoder.Encode(instruments, _resource, _startUnixNano, NowUnixNano()));
            return await _sender.PostAsync(body, cancellationToken);
        }
        finally
        {
            _exporting.Release();
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await ExportAsync(cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // An observable gauge's callback that throws, say: the next push must still happen.
                    _logger.LogWarning(e, "OTLP metrics export failed unexpectedly; the next export carries the cumulative totals");
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static ulong NowUnixNano() => (ulong)(DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    /// <summary>Idempotent: the container disposes a hosted service once as itself and once as the hosted service.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
        _sender.Dispose();
        _stop.Dispose();
        _exporting.Dispose();
    }
}
