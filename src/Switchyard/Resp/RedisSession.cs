using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Switchyard.Resp;

/// <summary>
/// One TCP connection's lifetime. Callers encode commands into an outgoing pipe under a lock, which also
/// appends them to the FIFO of pending replies so wire order and FIFO order agree; a send loop drains the
/// pipe to the socket (batching whatever accumulated meanwhile), and a receive loop parses replies and
/// completes the FIFO head. When either loop fails the session closes for good, failing everything in
/// flight; <see cref="RedisConnection"/> then opens a new session.
/// </summary>
internal sealed class RedisSession : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    // Never pauses the writer, so FlushAsync completes synchronously under the lock; a command's timeout,
    // not pipe back-pressure, bounds how long a caller waits.
    private readonly Pipe _outgoing = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly PendingCommandQueue _pending = new();
    private readonly PendingCommandPool _pool;
    private readonly TimeProvider _time;
    private readonly TimeSpan _commandTimeout;
    private readonly long _timeoutTicks;
    private readonly ITimer? _timer;
    private readonly string _endpoint;
    private readonly Action<RedisSession, Exception, int> _onClosed;
    private readonly Task _sending;
    private readonly Task _receiving;
    private int _timeoutCursor;
    private bool _timerArmed;
    private volatile bool _closed;
    private Exception? _closeReason;

    private RedisSession(Socket socket, RedisOptions options, TimeProvider time, PendingCommandPool pool, Action<RedisSession, Exception, int> onClosed)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true));
        _pool = pool;
        _time = time;
        _endpoint = options.ToString();
        _onClosed = onClosed;
        _commandTimeout = options.CommandTimeout;
        if (_commandTimeout != Timeout.InfiniteTimeSpan)
        {
            _timeoutTicks = (long)(_commandTimeout.TotalSeconds * time.TimestampFrequency);
            _timer = time.CreateTimer(static state => ((RedisSession)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        _sending = SendLoopAsync();
        _receiving = ReceiveLoopAsync();
    }

    public bool IsClosed => _closed;

    /// <summary>Connects, authenticates and selects the database, all within <see cref="RedisOptions.ConnectTimeout"/>.</summary>
    /// <param name="onClosed">Told once when the session closes, with the cause and how many commands it failed.</param>
    public static async Task<RedisSession> OpenAsync(
        RedisOptions options, TimeProvider time, PendingCommandPool pool, Action<RedisSession, Exception, int> onClosed, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(options.ConnectTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        RedisSession? session = null;
        try
        {
            // Keep-alive notices a peer that vanished without a FIN or RST (a dead host, a dropped NAT entry).
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 15);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 5);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
            await socket.ConnectAsync(new DnsEndPoint(options.Host, options.Port), linked.Token);
            session = new RedisSession(socket, options, time, pool, onClosed);
            await session.HandshakeAsync(options, linked.Token);
            return session;
        }
        catch (Exception e)
        {
            if (session is not null)
            {
                await session.DisposeAsync();
            }
            socket.Dispose();
            if (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new RedisConnectionException($"Connecting to Redis at {options} timed out after {options.ConnectTimeout.TotalMilliseconds:0} ms.", e);
            }
            cancellationToken.ThrowIfCancellationRequested();
            throw e is RedisConnectionException ? e : new RedisConnectionException($"Cannot connect to Redis at {options}: {e.Message}", e);
        }
    }

    public ValueTask<RespValue> Execute(string command, ReadOnlySpan<RedisArg> args, CancellationToken cancellationToken)
    {
        var pending = _pool.Rent();
        lock (_lock)
        {
            if (_closed)
            {
                _pool.Return(pending);
                return ValueTask.FromException<RespValue>(NotConnected());
            }
            RespWriter.WriteCommand(_outgoing.Writer, command, args);
            pending.Start(command, _timeoutTicks == 0 ? long.MaxValue : _time.GetTimestamp() + _timeoutTicks);
            _pending.Enqueue(pending);
            if (_timer is not null && !_timerArmed)
            {
                _timerArmed = true;
                _timer.Change(_commandTimeout, Timeout.InfiniteTimeSpan);
            }
            var flush = _outgoing.Writer.FlushAsync(CancellationToken.None);
            Debug.Assert(flush.IsCompleted, "An unbounded pipe completes flushes synchronously.");
            flush.GetAwaiter().GetResult();
        }
        pending.RegisterCancellation(cancellationToken);
        return new ValueTask<RespValue>(pending, pending.Version);
    }

    public RedisConnectionException NotConnected() =>
        new($"Not connected to Redis at {_endpoint}: {_closeReason?.Message ?? "the connection is closed"}", _closeReason);

    public async ValueTask DisposeAsync()
    {
        Close(new RedisConnectionException($"The connection to Redis at {_endpoint} was closed by this client."));
        await _sending;
        await _receiving;
        await _stream.DisposeAsync();
    }

    private async Task HandshakeAsync(RedisOptions options, CancellationToken cancellationToken)
    {
        // Pipelined: one round trip. PING always goes last so a server that wants a password we do not
        // have says NOAUTH here, not on the first real command.
        Task<Exception?>? auth = null;
        if (options.Password is not null)
        {
            auth = options.User is null
                ? Outcome(Execute("AUTH", [options.Password], cancellationToken))
                : Outcome(Execute("AUTH", [options.User, options.Password], cancellationToken));
        }
        var select = options.Database == 0 ? null : Outcome(Execute("SELECT", [options.Database], cancellationToken));
        var ping = Outcome(Execute("PING", [], cancellationToken));
        var authError = auth is null ? null : await auth;
        var selectError = select is null ? null : await select;
        var pingError = await ping;

        if (authError is RedisServerException)
        {
            throw new RedisConnectionException($"Redis at {_endpoint} refused the credentials: {authError.Message}", authError);
        }
        if ((selectError ?? pingError) is RedisServerException { ErrorCode: "NOAUTH" } noAuth)
        {
            throw new RedisConnectionException($"Redis at {_endpoint} requires a password; put it in the URL as redis://[user]:password@host:port/db ({noAuth.Message})", noAuth);
        }
        if (selectError is RedisServerException)
        {
            throw new RedisConnectionException($"Redis at {_endpoint} cannot select database {options.Database}: {selectError.Message}", selectError);
        }
        if ((authError ?? selectError ?? pingError) is { } other)
        {
            throw other is RedisConnectionException or OperationCanceledException ? other
                : new RedisConnectionException($"Redis at {_endpoint} failed the connection handshake: {other.Message}", other);
        }

        static async Task<Exception?> Outcome(ValueTask<RespValue> reply)
        {
            try
            {
                await reply;
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        }
    }

    private async Task SendLoopAsync()
    {
        var reader = _outgoing.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    await _stream.WriteAsync(segment);
                }
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e)
        {
            Close(e);
        }
        await reader.CompleteAsync();
    }

    private async Task ReceiveLoopAsync()
    {
        Exception reason;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync();
                var buffer = result.Buffer;
                while (RespReader.TryRead(ref buffer, out var reply))
                {
                    Deliver(in reply);
                }
                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    reason = new RedisConnectionException("The server closed the connection.");
                    break;
                }
            }
        }
        catch (Exception e)
        {
            reason = e;
        }
        Close(reason);
        await _input.CompleteAsync();
    }

    private void Deliver(in RespValue reply)
    {
        PendingCommand pending;
        lock (_lock)
        {
            if (_pending.Count == 0)
            {
                throw new RespProtocolException("The server sent a reply no command was waiting for.");
            }
            pending = _pending.Dequeue();
            if (_timeoutCursor > 0)
            {
                _timeoutCursor--;
            }
        }
        pending.TrySetResult(in reply);
        pending.ReleaseFromQueue();
    }

    // Every command has the same timeout and they enter the FIFO in time order, so deadlines ascend along
    // it: one timer aimed at the oldest live command is enough. Timed-out entries stay in the FIFO (their
    // replies will still come) and the cursor skips them, so each entry is looked at once.
    private void OnTimer()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }
            var now = _time.GetTimestamp();
            while (_timeoutCursor < _pending.Count)
            {
                var pending = _pending[_timeoutCursor];
                if (pending.Deadline > now)
                {
                    var wait = TimeSpan.FromSeconds((double)(pending.Deadline - now) / _time.TimestampFrequency);
                    _timer!.Change(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait, Timeout.InfiniteTimeSpan);
                    return;
                }
                pending.TrySetException(new RedisTimeoutException(
                    $"Redis {pending.Command} got no reply within {_commandTimeout.TotalMilliseconds:0} ms from {_endpoint}; the connection stays up."));
                _timeoutCursor++;
            }
            _timerArmed = false;
        }
    }

    private void Close(Exception reason)
    {
        PendingCommand[] failed;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }
            _closeReason = reason;
            _closed = true;
            failed = new PendingCommand[_pending.Count];
            for (var i = 0; i < failed.Length; i++)
            {
                failed[i] = _pending.Dequeue();
            }
            _outgoing.Writer.Complete();
            _timer?.Dispose();
        }
        // Disposing the socket wakes whichever loop is still blocked on it.
        _socket.Dispose();
        _onClosed(this, reason, failed.Length);
        foreach (var pending in failed)
        {
            pending.TrySetException(new RedisConnectionException(
                $"The connection to Redis at {_endpoint} was lost before the {pending.Command} reply arrived: {reason.Message}", reason));
            pending.ReleaseFromQueue();
        }
    }
}
