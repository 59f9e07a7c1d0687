using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Storage;

namespace Switchyard.Billing;

/// <summary>
/// Takes usage records off the request path and writes them to the ledger in batches.
/// A failed batch is kept and retried with backoff, so a database outage delays records but does not drop them;
/// on shutdown the queue is drained before the process exits.
/// </summary>
public sealed partial class LedgerWriter(LedgerStore store, ILogger<LedgerWriter> logger) : BackgroundService
{
    private const int MaxBatch = 500;
    private readonly Channel<UsageRecord> _queue = System.Threading.Channels.Channel.CreateUnbounded<UsageRecord>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private long _pending;

    /// <summary>Records accepted but not yet written.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    public void Enqueue(UsageRecord record)
    {
        Interlocked.Increment(ref _pending);
        _queue.Writer.TryWrite(record);
    }

    /// <summary>Waits until every record enqueued so far is written (used by tests and reports that must be current).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (Pending > 0)
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<UsageRecord>(MaxBatch);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                // A short pause lets a burst accumulate into one transaction instead of one per request.
                await Task.Delay(20, stoppingToken);
                while (batch.Count < MaxBatch && reader.TryRead(out var record))
                {
                    batch.Add(record);
                }
                await WriteWithRetryAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await DrainAsync(batch);
    }

    private async Task DrainAsync(List<UsageRecord> batch)
    {
        _queue.Writer.TryComplete();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            while (_queue.Reader.TryRead(out var record))
            {
                batch.Add(record);
            }
            if (batch.Count > 0)
            {
                await WriteWithRetryAsync(batch, deadline.Token);
            }
        }
        catch (OperationCanceledException)
        {
            LogDrainAbandoned(logger, batch.Count);
        }
    }

    private async Task WriteWithRetryAsync(List<UsageRecord> batch, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                await store.InsertAsync(batch, CancellationToken.None);
                Interlocked.Add(ref _pending, -batch.Count);
                batch.Clear();
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogWriteFailed(logger, batch.Count, e.Message);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 10_000));
            }
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Ledger write of {Count} records failed, will retry: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Shutdown deadline reached with {Count} usage records unwritten")]
    private static partial void LogDrainAbandoned(ILogger logger, int count);
}
