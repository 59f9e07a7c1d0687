using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace Switchyard.Telemetry.Metrics;

/// <summary>
/// Pushes the in-process aggregation (the one <c>/metrics</c> serves) to an OTLP/HTTP collector every export
/// interval. Cumulative temporality, so a lost push costs nothing but freshness: the next one carries the totals.
/// One aggregation for both outputs keeps each measurement to one lookup on the request path.
/// </summary>
public sealed class OtlpMetricsPush : IAsyncDisposable
{
    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");
    private readonly MetricsCollector _collector;
    private readonly Uri _endpoint;
    private readonly OtlpResource _resource;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2) }) { Timeout = TimeSpan.FromSeconds(10) };
    private readonly SemaphoreSlim _exporting = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly ulong _startUnixNano = NowUnixNano();
    private Task? _loop;
    private DateTime _lastFailureLogged = DateTime.MinValue;
    private int _disposed;

    public OtlpMetricsPush(MetricsCollector collector, Uri endpoint, OtlpResource resource, TimeSpan interval, ILogger logger)
    {
        _collector = collector;
        _endpoint = endpoint;
        _resource = resource;
        _interval = interval;
        _logger = logger;
    }

    public void Start() => _loop = RunAsync(_stop.Token);

    /// <summary>Collects and sends one export now; false when the collector refused it or could not be reached.</summary>
    public async Task<bool> ExportAsync(CancellationToken cancellationToken)
    {
        await _exporting.WaitAsync(cancellationToken);
        try
        {
            var body = _collector.Read(instruments => OtlpMetricsEncoder.Encode(instruments, _resource, _startUnixNano, NowUnixNano()));
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = Protobuf;
            using var response = await _http.PostAsync(_endpoint, content, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }
            LogFailure($"status {(int)response.StatusCode}");
            return false;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogFailure(e.GetType().Name);
            return false;
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
                await ExportAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>A collector that is down would otherwise log once per interval forever.</summary>
    private void LogFailure(string reason)
    {
        var now = DateTime.UtcNow;
        if (now - _lastFailureLogged < TimeSpan.FromMinutes(1))
        {
            return;
        }
        _lastFailureLogged = now;
        _logger.LogWarning("OTLP metrics export failed ({Reason}); the next export carries the cumulative totals", reason);
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
        _http.Dispose();
        _stop.Dispose();
        _exporting.Dispose();
    }
}
