using Switchyard.Resp;

namespace Switchyard.Quotas;

/// <summary>An admission or settlement for <see cref="QuotaScripts.Batch"/>: its key sets, and its arguments with a
/// placeholder (<see cref="AddKeySetSlot"/>) wherever the script wants a key set's index in the batch.</summary>
internal sealed class BatchedOperation(string[][] keySets, List<RedisArg> args)
{
    public string[][] KeySets { get; } = keySets;

    public List<RedisArg> Args { get; } = args;

    /// <summary>Where in <see cref="Args"/> the key sets' indexes go, in key set order.</summary>
    public List<int> Slots { get; } = new(keySets.Length);

    /// <summary>Stands for the next key set's index; filled in when the batch is assembled.</summary>
    public void AddKeySetSlot()
    {
        Slots.Add(Args.Count);
        Args.Add(0);
    }

    public TaskCompletionSource<RespValue> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// One quota call to Redis at a time per instance: operations that arrive while a call is on its way wait for it and
/// then go together in the next one, in arrival order. A lone request goes at once (no timer, no added latency);
/// under load one round trip and one script run serve many requests, and the script reads each sliding window once per
/// call instead of once per request. Each operation is still decided on its own, atomically, in Redis.
/// </summary>
internal sealed class QuotaBatcher(RedisLink redis)
{
    /// <summary>Operations per call: bounds the call's size and how long Redis runs one script.</summary>
    private const int MaxOperations = 64;

    private readonly object _gate = new();
    private readonly Queue<BatchedOperation> _waiting = new();
    private bool _sending;
    private long _calls;

    /// <summary>Script calls made so far (for tests: fewer than the operations when they overlapped).</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <param name="before">Operations that go first, in the same call (lease reports that free room for this one).</param>
    public async ValueTask<RespValue> RunAsync(BatchedOperation operation, List<BatchedOperation>? before, CancellationToken cancellationToken)
    {
        Enqueue(before, operation);
        // A caller that gives up stops waiting; its operation still runs (it may already have), as a lone call would.
        return await operation.Reply.Task.WaitAsync(cancellationToken);
    }

    public ValueTask<RespValue> RunAsync(BatchedOperation operation, CancellationToken cancellationToken) => RunAsync(operation, null, cancellationToken);

    /// <summary>Queues operations whose replies nobody waits for (their failures are the caller's to observe).</summary>
    public void Post(List<BatchedOperation> operations) => Enqueue(operations, null);

    private void Enqueue(List<BatchedOperation>? operations, BatchedOperation? last)
    {
        bool send;
        lock (_gate)
        {
            if (operations is not null)
            {
                foreach (var operation in operations)
                {
                    _waiting.Enqueue(operation);
                }
            }
            if (last is not null)
            {
                _waiting.Enqueue(last);
            }
            send = !_sending && _waiting.Count > 0;
            _sending |= send;
        }
        if (send)
        {
            _ = SendAsync();
        }
    }

    private async Task SendAsync()
    {
        while (true)
        {
            List<BatchedOperation> batch;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _sending = false;
                    return;
                }
                batch = new List<BatchedOperation>(Math.Min(_waiting.Count, MaxOperations));
                while (batch.Count < MaxOperations && _waiting.TryDequeue(out var next))
                {
                    batch.Add(next);
                }
            }
            try
            {
                var (keys, args) = Assemble(batch);
                var connection = await redis.GetAsync(CancellationToken.None);
                Interlocked.Increment(ref _calls);
                var replies = await connection.EvalShaAsync(QuotaScripts.Batch, keys, args, CancellationToken.None);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Reply.TrySetResult(replies[i]);
                }
            }
            catch (Exception e)
            {
                var error = e as RedisException ?? new RedisConnectionException("The quota call to Redis failed: " + e.Message);
                foreach (var operation in batch)
                {
                    operation.Reply.TrySetException(error);
                }
            }
        }
    }

    /// <summary>Every distinct key set once, and each operation's arguments with its key sets' indexes filled in.</summary>
    private static (RedisArg[] Keys, RedisArg[] Args) Assemble(List<BatchedOperation> batch)
    {
        var index = new Dictionary<string[], int>(KeySetComparer.Instance);
        var keys = new List<RedisArg>();
        var args = new List<RedisArg>(1 + batch.Sum(o => o.Args.Count)) { batch.Count };
        foreach (var operation in batch)
        {
            var start = args.Count;
            args.AddRange(operation.Args);
            for (var i = 0; i < operation.Slots.Count; i++)
            {
                var set = operation.KeySets[i];
                if (!index.TryGetValue(set, out var position))
                {
                    position = index.Count;
                    index[set] = position;
                    foreach (var key in set)
                    {
                        keys.Add(key);
                    }
                }
                args[start + operation.Slots[i]] = position;
            }
        }
        return (keys.ToArray(), args.ToArray());
    }
}

/// <summary>
/// Two key sets are the same when they name the same scope (rpm key) and calendar windows (day and month keys). Most
/// compare by reference (the store shares each scope's set per day); the contents decide when two arrays were made at
/// once, since one key set counted under two indexes would let the script's window sums drift apart.
/// </summary>
internal sealed class KeySetComparer : IEqualityComparer<string[]>
{
    public static readonly KeySetComparer Instance = new();

    public bool Equals(string[]? x, string[]? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x[0] == y[0] && x[2] == y[2] && x[3] == y[3]);

    public int GetHashCode(string[] obj) => HashCode.Combine(obj[0], obj[2]);
}
