using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Switchyard.Billing;

/// <summary>
/// The write-ahead log of usage records: every record is appended here, fsynced, before the client's answer completes,
/// so a crash (kill -9) after the client got its answer cannot lose the record. Appends are group-committed: one
/// fsync (about 0.25 ms on this machine's disk) covers every record that arrived while the previous one ran, so the
/// cost per request falls as load rises. A segment file is deleted once every record in it reached the database (or
/// the spill journal); at start, segments left by a crashed process become spill journal files and are replayed,
/// idempotently by request id.
/// </summary>
public sealed partial class LedgerWal : IDisposable
{
    private const string Prefix = "wal-";
    private const string Extension = ".jsonl";

    /// <summary>A segment is closed after this many bytes or this long, so settled files get deleted soon.</summary>
    private const long SegmentBytes = 8 * 1024 * 1024;

    private static readonly TimeSpan SegmentAge = TimeSpan.FromSeconds(2);

    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Thread _flusher;
    private ArrayBufferWriter<byte> _pending = new(64 * 1024);
    private ArrayBufferWriter<byte> _spare = new(64 * 1024);
    private TaskCompletionSource _commit = NewCommit();
    private Segment? _active;
    private bool _signalled;
    private volatile bool _disposed;

    public LedgerWal(string directory, ILogger<LedgerWal> logger)
    {
        _directory = Path.GetFullPath(directory);
        _logger = logger;
        Directory.CreateDirectory(_directory);
        RecoverLeftovers();
        // fsync has no asynchronous form in .NET: a thread of its own keeps that blocking call off the thread pool.
        _flusher = new Thread(FlushLoop) { IsBackground = true, Name = "ledger-wal" };
        _flusher.Start();
    }

    /// <summary>Bytes in segments not yet settled (a gauge for operators).</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _active?.Length ?? 0;
            }
        }
    }

    /// <summary>
    /// Appends the record and completes once it is on disk. The returned segment must be released (see
    /// <see cref="Segment.Release"/>) once the record is in the database or the spill journal.
    /// </summary>
    public async ValueTask<Segment?> AppendAsync(UsageRecord record)
    {
        var line = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(line))
        {
            JsonSerializer.Serialize(writer, record, LedgerJournalJson.Default.UsageRecord);
        }
        Task commit;
        Segment segment;
        lock (_gate)
        {
            if (_disposed)
            {
                return null;
            }
            segment = _active ??= Segment.Open(_directory);
            segment.Hold();
            _pending.Write(line.WrittenSpan);
            _pending.Write("\n"u8);
            commit = _commit.Task;
            if (!_signalled)
            {
                _signalled = true;
                _wake.Release();
            }
        }
        try
        {
            await commit;
        }
        catch (IOException e)
        {
            // The disk refused: the record still goes to the database from memory, only its crash safety is gone.
            LogAppendFailed(_logger, e.Message);
        }
        return segment;
    }

    /// <summary>Closes the active segment if it is old enough, deleting it when everything in it is settled.</summary>
    public void RotateIfDue()
    {
        lock (_gate)
        {
            if (_active is { } active && _pending.WrittenCount == 0 && DateTime.UtcNow - active.Opened >= SegmentAge)
            {
                _active = null;
                active.Close();
            }
        }
    }

    private void FlushLoop()
    {
        while (true)
        {
            if (!_disposed)
            {
                _wake.Wait();
            }
            ArrayBufferWriter<byte> bytes;
            TaskCompletionSource commit;
            Segment? segment;
            lock (_gate)
            {
                _signalled = false;
                if (_disposed && _pending.WrittenCount == 0)
                {
                    _commit.TrySetResult();
                    return;
                }
                (bytes, _pending, _spare) = (_pending, _spare, _pending);
                commit = _commit;
                _commit = NewCommit();
                segment = _active;
                if (segment is not null && (segment.Length + bytes.WrittenCount >= SegmentBytes || DateTime.UtcNow - segment.Opened >= SegmentAge))
                {
                    // Later appends start a new file; this one is deleted once its last record settles.
                    _active = null;
                }
            }
            try
            {
                if (segment is not null && bytes.WrittenCount > 0)
                {
                    segment.WriteDurably(bytes.WrittenSpan);
                }
                commit.TrySetResult();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                commit.TrySetException(new IOException(e.Message, e));
            }
            finally
            {
                bytes.ResetWrittenCount();
                if (segment is not null && !ReferenceEquals(segment, _active))
                {
                    segment.Close();
                }
            }
        }
    }

    /// <summary>
    /// Segments of a process that died are renamed into the spill journal, which the writer replays. A segment still
    /// locked belongs to a live process sharing the folder and is left alone.
    /// </summary>
    private void RecoverLeftovers()
    {
        foreach (var file in Directory.GetFiles(_directory, Prefix + "*" + Extension))
        {
            try
            {
                using (new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                }
                File.Move(file, Path.Combine(_directory, LedgerJournal.FileName("recovered")));
                LogRecovered(_logger, Path.GetFileName(file));
            }
            catch (IOException)
            {
            }
        }
    }

    private static TaskCompletionSource NewCommit() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _wake.Release();
        }
        _flusher.Join(TimeSpan.FromSeconds(5));
        lock (_gate)
        {
            // Records still unsettled keep their file, for the next start to replay.
            _active?.Close();
            _active?.Dispose();
            _active = null;
        }
        _wake.Dispose();
    }

    /// <summary>One file of the log; holds a count of records in it that have not reached the database yet.</summary>
    public sealed class Segment : IDisposable
    {
        private readonly FileStream _file;
        private int _outstanding;
        private int _closed;

        private Segment(string path)
        {
            Path = path;
            // FileShare.None takes an advisory lock: recovery in another process skips a live segment.
            _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None);
            Opened = DateTime.UtcNow;
        }

        public string Path { get; }
        public DateTime Opened { get; }
        public long Length { get; private set; }

        internal static Segment Open(string directory) =>
            new(System.IO.Path.Combine(directory, $"{Prefix}{DateTime.UtcNow:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}{Extension}"));

        internal void Hold() => Interlocked.Increment(ref _outstanding);

        internal void WriteDurably(ReadOnlySpan<byte> bytes)
        {
            _file.Write(bytes);
            _file.Flush(flushToDisk: true);
            Length += bytes.Length;
        }

        /// <summary>One record of this segment is settled; the file goes when the last one is and it is closed.</summary>
        public void Release()
        {
            if (Interlocked.Decrement(ref _outstanding) == 0 && Volatile.Read(ref _closed) == 1)
            {
                Delete();
            }
        }

        internal void Close()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 1)
            {
                return;
            }
            if (Volatile.Read(ref _outstanding) == 0)
            {
                Delete();
            }
        }

        /// <summary>Closes the file and keeps it (for the next start to replay); <see cref="Close"/> is the normal end.</summary>
        public void Dispose()
        {
            lock (_file)
            {
                _file.Dispose();
            }
        }

        private void Delete()
        {
            lock (_file)
            {
                _file.Dispose();
                try
                {
                    File.Delete(Path);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Ledger write-ahead log append failed; the record is kept in memory only: {Reason}")]
    private static partial void LogAppendFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Ledger write-ahead segment {File} left by a stopped process moved to the journal for replay")]
    private static partial void LogRecovered(ILogger logger, string file);
}
