using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Storage;

namespace Switchyard.Billing;

/// <summary>
/// Takes usage records off the request path and writes them to the ledger in batches.
/// A batch the database refuses goes to the local <see cref="LedgerJournal"/> (fsynced) and is replayed when the
/// database is back, so an outage delays records but never loses them; on shutdown the queue is drained.
/// With a <see cref="LedgerWal"/>, <see cref="RecordAsync"/> makes each record durable before the client's answer
/// completes, so a crash loses no answered request either.
/// </summary>
public sealed partial class LedgerWriter(LedgerStore store, LedgerJournal journal, TimeProvider time, ILogger<LedgerWriter> logger,
    LedgerWal? wal = null, Security.Redactor? redactor = null) : BackgroundService
{
    public static readonly TimeSpan ReplayInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the first record of a batch waits for company: one transaction per record would cost far more
    /// CPU than the request that made it, at low load most of all.
    /// </summary>
    public static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(50);
    private const int MaxBatch = 2000;
    private readonly Channel<UsageRecord> _queue = System.Threading.Channels.Channel.CreateUnbounded<UsageRecord>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private long _pending;
    private long _nextReplay;

    /// <summary>Records accepted but neither in the database nor in the journal yet.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>
    /// Appends the record to the write-ahead log (unless <see cref="JournalAheadAsync"/> did already) and queues it for
    /// the database; completes once the record survives a crash.
    /// </summary>
    public async ValueTask RecordAsync(UsageRecord record)
    {
        if (record.WalSegment is null && wal is not null)
        {
            record = record with { WalSegment = await wal.AppendAsync(record) };
        }
        Enqueue(record);
    }

    /// <summary>
    /// Makes a provisional record durable before the last bytes of an answer leave. Only the write-ahead log gets
    /// it: the final record, carrying the returned segment, follows through <see cref="RecordAsync"/>, and whichever
    /// reaches the database first wins (by request id), so a crash in between still leaves exactly one record.
    /// </summary>
    public async ValueTask<LedgerWal.Segment?> JournalAheadAsync(UsageRecord provisional) =>
        wal is null ? null : await wal.AppendAsync(provisional);

    public void Enqueue(UsageRecord record)
    {
        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite(record))
        {
            // Only after shutdown began; the record still reaches the journal rather than vanishing.
            Interlocked.Decrement(ref _pending);
            _ = journal.AppendAsync([record], CancellationToken.None);
        }
    }

    /// <summary>Waits until every record enqueued so far is written or journaled.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (Pending > 0)
        {
            await Task.Delay(5, cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<UsageRecord>(MaxBatch);
        var reader = _queue.Reader;
        await ReplayAsync(stoppingToken);
        try
        {
            while (true)
            {
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    wait.CancelAfter(ReplayInterval);
                    try
                    {
                        await reader.WaitToReadAsync(wait.Token);
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                    {
                    }
                }
                if (Pending < MaxBatch)
                {
                    await Task.Delay(Gather, time, stoppingToken);
                }
                while (batch.Count < MaxBatch && reader.TryRead(out var record))
                {
                    batch.Add(record);
                }
                if (batch.Count > 0)
                {
                    await WriteAsync(batch);
                }
                wal?.RotateIfDue();
                if (time.GetUtcNow().ToUnixTimeMilliseconds() >= Interlocked.Read(ref _nextReplay))
                {
                    await ReplayAsync(stoppingToken);
                }
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
        while (_queue.Reader.TryRead(out var record))
        {
            batch.Add(record);
        }
        if (batch.Count > 0)
        {
            await WriteAsync(batch);
        }
    }

    /// <summary>Database first; if it fails, the journal. Either way the batch is safe when this returns.</summary>
    private async Task WriteAsync(List<UsageRecord> batch)
    {
        RedactBodies(batch);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await store.InsertAsync(batch, timeout.Token);
        }
        catch (Exception e)
        {
            LogWriteFailed(logger, batch.Count, e.Message);
            await JournalAsync(batch);
        }
        foreach (var record in batch)
        {
            record.WalSegment?.Release();
        }
        Interlocked.Add(ref _pending, -batch.Count);
        batch.Clear();
    }

    /// <summary>
    /// Captured bodies become redacted text here, off the request path and before any of it touches a disk; the error
    /// text passes the redactor too (upstream errors are redacted when read, but a message may quote what a client sent).
    /// </summary>
    private void RedactBodies(List<UsageRecord> batch)
    {
        var redact = redactor ?? Security.Redactor.Default;
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].Captured is { } captured)
            {
                batch[i] = batch[i] with { Captured = null, Bodies = RequestBodies.From(captured, redact) };
            }
            if (batch[i].Error is { } error && redact.TryRedact(error, out var clean))
            {
                batch[i] = batch[i] with { Error = clean };
            }
        }
    }

    private async Task JournalAsync(List<UsageRecord> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await journal.AppendAsync(batch, CancellationToken.None);
                return;
            }
            catch (IOException e) when (attempt < 5)
            {
                LogJournalFailed(logger, batch.Count, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), CancellationToken.None);
            }
        }
    }

    /// <summary>Moves journaled records into the database; stops at the first failure and tries again later.</summary>
    private async Task ReplayAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _nextReplay, time.GetUtcNow().Add(ReplayInterval).ToUnixTimeMilliseconds());
        foreach (var file in journal.PendingFiles())
        {
            try
            {
                var records = await LedgerJournal.ReadAsync(file, cancellationToken);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(15));
                await store.InsertAsync(records, timeout.Token);
                LedgerJournal.Complete(file);
                LogReplayed(logger, records.Count);
            }
            catch (FileNotFoundException)
            {
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Ledger write of {Count} records failed; journaling them locally: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Journal append of {Count} records failed, retrying: {Reason}")]
    private static partial void LogJournalFailed(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Replayed {Count} journaled usage records into the ledger")]
    private static partial void LogReplayed(ILogger logger, int count);
}
