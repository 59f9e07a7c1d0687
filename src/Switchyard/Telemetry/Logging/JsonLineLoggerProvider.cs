using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Switchyard.Telemetry.Logging;

/// <summary>
/// The gateway's log: JSON lines (<see cref="JsonLogFormatter"/>) on stdout. A line is formatted on the thread that
/// logs it and queued; one background thread writes whatever has queued up in a single write, so under load many
/// lines share a system call instead of each paying its own write and flush (the console logger's way, which cost
/// about a tenth of the gateway's CPU per request). The queue is bounded: if stdout stops draining, new lines are
/// dropped and counted rather than held in memory or made to block requests, and the count is logged once it drains.
/// </summary>
[ProviderAlias("Console")]
public sealed class JsonLineLoggerProvider : ILoggerProvider
{
    private const int QueueCapacity = 16_384;
    private const int BatchBytes = 64 * 1024;

    /// <summary>
    /// Woken with fewer lines than <see cref="GatherBelow"/> queued, the writer waits this long for more before it
    /// writes. Under load one write then carries a few dozen lines, and the logging threads stop paying a wake-up of
    /// the writer for nearly every line (both showed in profiles at several µs per request). A line reaches stdout at
    /// most this much later.
    /// </summary>
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(5);

    private const int GatherBelow = 256;

    private readonly JsonLogFormatter _formatter;
    private readonly Stream _output;
    private readonly Channel<Line> _queue;
    private readonly Thread _writer;
    private long _dropped;
    private int _disposed;

    private readonly record struct Line(byte[] Buffer, int Length);

    public JsonLineLoggerProvider(JsonLogFormatter formatter)
        : this(formatter, Console.OpenStandardOutput())
    {
    }

    internal JsonLineLoggerProvider(JsonLogFormatter formatter, Stream output)
    {
        _formatter = formatter;
        _output = output;
        _queue = Channel.CreateBounded<Line>(
            new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            line =>
            {
                Interlocked.Increment(ref _dropped);
                ArrayPool<byte>.Shared.Return(line.Buffer);
            });
        // A thread of its own: writes to stdout block (a pipe, a terminal), and must not hold a thread-pool thread.
        _writer = new Thread(WriteLines) { IsBackground = true, Name = "Switchyard log writer" };
        _writer.Start();
    }

    /// <summary>Lines dropped because stdout did not keep up (for tests).</summary>
    internal long Dropped => Interlocked.Read(ref _dropped);

    public ILogger CreateLogger(string categoryName) => new JsonLineLogger(this, categoryName);

    private void Enqueue(LogLevel level, string category, EventId eventId, string? message, IReadOnlyList<KeyValuePair<string, object?>>? fields, Exception? exception)
    {
        var buffer = new PooledLine();
        try
        {
            _formatter.Write(buffer, level, category, eventId, message, fields, exception);
        }
        catch
        {
            buffer.Release();
            throw;
        }
        if (!_queue.Writer.TryWrite(new Line(buffer.Array, buffer.Length)))
        {
            // Completed: the provider is being disposed; the line goes nowhere.
            buffer.Release();
        }
    }

    private void WriteLines()
    {
        var batch = new byte[BatchBytes];
        var reader = _queue.Reader;
        while (WaitForLines(reader))
        {
            if (reader.Count < GatherBelow && Volatile.Read(ref _disposed) == 0)
            {
                Thread.Sleep(Gather);
            }
            var length = 0;
            while (reader.TryRead(out var line))
            {
                if (length + line.Length > batch.Length)
                {
                    Flush(batch, length);
                    length = 0;
                }
                if (line.Length > batch.Length)
                {
                    Flush(line.Buffer, line.Length);
                }
                else
                {
                    line.Buffer.AsSpan(0, line.Length).CopyTo(batch.AsSpan(length));
                    length += line.Length;
                }
                ArrayPool<byte>.Shared.Return(line.Buffer);
            }
            Flush(batch, length);
            var dropped = Interlocked.Exchange(ref _dropped, 0);
            if (dropped > 0)
            {
                var note = new PooledLine();
                _formatter.Write(note, LogLevel.Warning, "Switchyard.Logging", new EventId(9001),
                    $"{dropped} log lines were dropped: stdout did not keep up", null, null);
                Flush(note.Array, note.Length);
                note.Release();
            }
        }
    }

    // The writer thread has nothing else to do; blocking it while the queue is empty is what it is for.
    private static bool WaitForLines(ChannelReader<Line> reader) => reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult();

    private void Flush(byte[] buffer, int length)
    {
        if (length == 0)
        {
            return;
        }
        try
        {
            _output.Write(buffer, 0, length);
            _output.Flush();
        }
        catch (IOException)
        {
            // stdout closed (the reader went away): nothing to write to, and nowhere to say so.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _queue.Writer.TryComplete();
        // The last lines (shutdown's) are written before the process exits.
        _writer.Join(TimeSpan.FromSeconds(5));
    }

    private sealed class JsonLineLogger(JsonLineLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.None)
            {
                return;
            }
            var message = formatter?.Invoke(state, exception);
            if (message is null && exception is null)
            {
                return;
            }
            provider.Enqueue(logLevel, category, eventId, message, state as IReadOnlyList<KeyValuePair<string, object?>>, exception);
        }
    }

    /// <summary>A growing buffer rented from the shared pool; its array is handed to the queue as it is.</summary>
    private sealed class PooledLine : IBufferWriter<byte>
    {
        public byte[] Array { get; private set; } = ArrayPool<byte>.Shared.Rent(1024);

        public int Length { get; private set; }

        public void Advance(int count) => Length += count;

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return Array.AsMemory(Length);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return Array.AsSpan(Length);
        }

        public void Release() => ArrayPool<byte>.Shared.Return(Array);

        private void Ensure(int sizeHint)
        {
            if (Array.Length - Length >= Math.Max(sizeHint, 1))
            {
                return;
            }
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(Array.Length * 2, Length + sizeHint));
            Array.AsSpan(0, Length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(Array);
            Array = larger;
        }
    }
}
