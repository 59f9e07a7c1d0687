using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Switchyard.Telemetry.Otlp;

namespace Switchyard.Telemetry.Tracing;

/// <summary>
/// Listens to one <see cref="ActivitySource"/> (the gateway's <see cref="GatewayTracing.Source"/>), samples with <see cref="SpanSampler"/> and sends the
/// recorded spans to an OTLP/HTTP collector in batches. Each span is encoded the moment it ends, on the request that
/// ends it, into a shared batch buffer: keeping the activities themselves until the next export (as a batching
/// processor does) let every garbage collection find hundreds of them alive and promote them, which turned the
/// gateway's cheap gen0 collections into gen1 ones. A batch goes out when it holds <c>maxBatch</c> spans or
/// <c>delay</c> after the last export; while one is in flight the next fills, up to <c>maxQueued</c> spans, beyond
/// which spans are dropped and counted (a slow collector must not grow the gateway's memory).
/// </summary>
internal sealed class OtlpSpanExport : IAsyncDisposable
{
    [ThreadStatic]
    private static ProtobufWriter? t_scratch;

    private readonly ActivityListener _listener;
    private readonly OtlpResource _resource;
    private readonly OtlpHttpSender _sender;
    private readonly ILogger _logger;
    private readonly int _maxBatch;
    private readonly int _maxQueued;
    private readonly TimeSpan _delay;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly SemaphoreSlim _exporting = new(1, 1);
    private readonly ProtobufWriter _body = new(64 * 1024);
    private readonly CancellationTokenSource _stop = new();
    private ProtobufWriter _filling = new(64 * 1024);
    private ProtobufWriter _sending = new(64 * 1024);
    private int _queued;
    private long _dropped;
    private DateTime _lastDropLogged = DateTime.MinValue;
    private Task? _loop;
    private int _disposed;

    public OtlpSpanExport(ActivitySource source, Uri endpoint, OtlpResource resource, SpanSampler sampler, ILogger logger, int maxBatch = 512, int maxQueued = 2048, TimeSpan? delay = null)
    {
        _resource = resource;
        _logger = logger;
        _maxBatch = maxBatch;
        _maxQueued = maxQueued;
        _delay = delay ?? TimeSpan.FromSeconds(2);
        _sender = new OtlpHttpSender(endpoint, "trace", "the spans of that batch are dropped", logger);
        _listener = new ActivityListener
        {
            ShouldListenTo = candidate => ReferenceEquals(candidate, source),
            Sample = sampler.Sample,
            ActivityStopped = OnStopped,
        };
    }

    /// <summary>Spans dropped because the queue was full while the collector was slow or down.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Start()
    {
        ActivitySource.AddActivityListener(_listener);
        _loop = RunAsync(_stop.Token);
    }

    private void OnStopped(Activity activity)
    {
        if (!activity.Recorded)
        {
            return;
        }
        var scratch = t_scratch ??= new ProtobufWriter(1024);
        scratch.Reset();
        try
        {
            OtlpSpanEncoder.WriteSpan(scratch, activity);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // This runs inside the request that ends the span: a span that cannot be encoded is lost, not the request.
            Interlocked.Increment(ref _dropped);
            return;
        }
        lock (_lock)
        {
            if (_queued >= _maxQueued)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            var span = _filling.BeginMessage(2);
            _filling.Raw(scratch.WrittenSpan);
            _filling.EndMessage(span);
            if (++_queued == _maxBatch && _wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
    }

    /// <summary>Sends every span queued so far (after a batch in flight, if any); false when the collector did not take them.</summary>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken)
    {
        await _exporting.WaitAsync(cancellationToken);
        try
        {
            return await ExportBatchAsync(cancellationToken) ?? true;
        }
        finally
        {
            _exporting.Release();
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await _wake.WaitAsync(_delay, stop);
                await _exporting.WaitAsync(stop);
                try
                {
                    // One batch per wake-up; a full one queued meanwhile signals again.
                    await ExportBatchAsync(stop);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The loop must outlive any one batch, or tracing would stop for good without a word.
                    _logger.LogWarning(e, "OTLP trace export failed unexpectedly; that batch is dropped");
                }
                finally
                {
                    _exporting.Release();
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Swaps the filling buffer out and posts it; null when nothing was queued. Callers hold <c>_exporting</c>.</summary>
    private async Task<bool?> ExportBatchAsync(CancellationToken cancellationToken)
    {
        int count;
        lock (_lock)
        {
            if (_queued == 0)
            {
                return null;
            }
            (_filling, _sending) = (_sending, _filling);
            count = _queued;
            _queued = 0;
        }
        try
        {
            _body.Reset();
            OtlpSpanEncoder.WriteRequest(_body, _resource, _sending.WrittenSpan);
            return await _sender.PostAsync(_body.WrittenMemory, cancellationToken);
        }
        finally
        {
            _sending.Reset();
            LogDrops(count);
        }
    }

    private void LogDrops(int sent)
    {
        var dropped = Dropped;
        var now = DateTime.UtcNow;
        if (dropped == 0 || now - _lastDropLogged < TimeSpan.FromMinutes(1))
        {
            return;
        }
        _lastDropLogged = now;
        _logger.LogWarning("OTLP trace export is behind: {Dropped} spans dropped so far (queue of {MaxQueued} full); the last batch held {Sent}", dropped, _maxQueued, sent);
    }

    /// <summary>Idempotent: the container disposes a hosted service once as itself and once as the hosted service.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _listener.Dispose();
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
        _sender.Dispose();
        _stop.Dispose();
        _wake.Dispose();
        _exporting.Dispose();
    }
}
