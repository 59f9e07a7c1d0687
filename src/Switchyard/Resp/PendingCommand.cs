using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;

namespace Switchyard.Resp;

/// <summary>
/// A sent command waiting for its reply, and the awaitable its caller holds. Pooled: it has two owners,
/// the session's FIFO (until the reply arrives or the connection drops) and the caller (until it reads
/// the result), and goes back to the pool only when both have let go. A timeout or cancellation completes
/// the caller's side early while the entry stays in the FIFO to be matched with its late reply.
/// </summary>
internal sealed class PendingCommand : IValueTaskSource<RespValue>
{
    private readonly PendingCommandPool _pool;
    private ManualResetValueTaskSourceCore<RespValue> _core;
    private CancellationTokenRegistration _registration;
    private int _completed;
    private int _consumed;
    private int _owners = 2;

    public PendingCommand(PendingCommandPool pool)
    {
        _pool = pool;
        // Replies are delivered from the socket reader loop; callers' continuations must not run on it.
        _core.RunContinuationsAsynchronously = true;
    }

    /// <summary>The command name, for error messages.</summary>
    public string Command { get; private set; } = "";

    /// <summary>When the command times out, in <see cref="TimeProvider.GetTimestamp"/> units.</summary>
    public long Deadline { get; private set; }

    public short Version => _core.Version;

    public void Start(string command, long deadline)
    {
        Command = command;
        Deadline = deadline;
    }

    public void RegisterCancellation(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(
                static (state, token) => ((PendingCommand)state!).TrySetException(new OperationCanceledException(token)), this);
        }
    }

    public bool TrySetResult(in RespValue value)
    {
        if (value.IsError)
        {
            return TrySetException(new RedisServerException(value.AsString()!));
        }
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }
        _core.SetResult(value);
        return true;
    }

    public bool TrySetException(Exception exception)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }
        _core.SetException(exception);
        return true;
    }

    /// <summary>The FIFO is done with this entry: its reply arrived or its connection is gone.</summary>
    public void ReleaseFromQueue() => Release();

    public RespValue GetResult(short token)
    {
        if (token != _core.Version)
        {
            throw new InvalidOperationException("A Redis command's ValueTask was awaited after its result was read.");
        }
        var first = Interlocked.Exchange(ref _consumed, 1) == 0;
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            if (first)
            {
                // Dispose waits for a cancellation callback already running, so none can touch this
                // object after it is reused for another command.
                _registration.Dispose();
                _registration = default;
                Release();
            }
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Release()
    {
        if (Interlocked.Decrement(ref _owners) == 0)
        {
            _core.Reset();
            _completed = 0;
            _consumed = 0;
            _owners = 2;
            Command = "";
            _pool.Return(this);
        }
    }
}

/// <summary>A bounded pool of <see cref="PendingCommand"/>s, shared by a connection's successive sessions.</summary>
internal sealed class PendingCommandPool(int capacity = 1024)
{
    private readonly ConcurrentQueue<PendingCommand> _items = new();
    private int _count;

    public PendingCommand Rent()
    {
        if (_items.TryDequeue(out var item))
        {
            Interlocked.Decrement(ref _count);
            return item;
        }
        return new PendingCommand(this);
    }

    /// <summary>Takes back a fresh or fully released entry; beyond capacity the garbage collector gets it.</summary>
    public void Return(PendingCommand item)
    {
        if (Interlocked.Increment(ref _count) <= capacity)
        {
            _items.Enqueue(item);
        }
        else
        {
            Interlocked.Decrement(ref _count);
        }
    }
}
