using System.Buffers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switchyard.Resp;

/// <summary>
/// A Redis client over one multiplexed TCP connection: any number of concurrent callers pipeline their
/// commands on it and replies are matched in order. When the connection drops, in-flight commands fail at
/// once with <see cref="RedisConnectionException"/>, new ones fail fast (nothing queues up behind an
/// outage; callers choose to fail open or closed), and a background loop reconnects with backoff, running
/// AUTH and SELECT again each time.
/// </summary>
public sealed partial class RedisConnection : IAsyncDisposable
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly PendingCommandPool _pool = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly string _endpoint;
    private RedisSession? _session;
    private Task _reconnecting = Task.CompletedTask;
    private Exception? _lastError;
    private long _reconnectCount;
    private int _disposed;

    private RedisConnection(RedisOptions options, ILogger logger, TimeProvider time)
    {
        Options = options;
        _logger = logger;
        _time = time;
        _endpoint = options.ToString();
    }

    /// <summary>Raised (on a background thread) when an established connection is lost.</summary>
    public event EventHandler? Disconnected;

    /// <summary>Raised (on a background thread) when a lost connection has been re-established.</summary>
    public event EventHandler? Reconnected;

    public RedisOptions Options { get; }

    public bool IsConnected => Volatile.Read(ref _session) is { IsClosed: false };

    /// <summary>How many times a lost connection has been re-established.</summary>
    public long ReconnectCount => Interlocked.Read(ref _reconnectCount);

    /// <summary>Connects, authenticates and selects the database; throws <see cref="RedisConnectionException"/> if that fails.</summary>
    public static async Task<RedisConnection> ConnectAsync(
        RedisOptions options, ILogger? logger = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var connection = new RedisConnection(options, logger ?? NullLogger.Instance, time ?? TimeProvider.System);
        var session = await RedisSession.OpenAsync(options, connection._time, connection._pool, connection.OnSessionClosed, cancellationToken);
        if (!connection.TryPublish(session))
        {
            connection.StartReconnecting();
        }
        LogConnected(connection._logger, connection._endpoint);
        return connection;
    }

    /// <summary>
    /// Sends a command and returns its reply. The command is written before this method returns, so
    /// commands issued one after another run in that order. Error replies throw <see cref="RedisServerException"/>.
    /// </summary>
    public ValueTask<RespValue> ExecuteAsync(string command, params ReadOnlySpan<RedisArg> args) =>
        ExecuteAsync(command, args, CancellationToken.None);

    /// <inheritdoc cref="ExecuteAsync(string, ReadOnlySpan{RedisArg})"/>
    public ValueTask<RespValue> ExecuteAsync(string command, ReadOnlySpan<RedisArg> args, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<RespValue>(cancellationToken);
        }
        var session = Volatile.Read(ref _session);
        if (session is null)
        {
            return ValueTask.FromException<RespValue>(Volatile.Read(ref _disposed) != 0
                ? new ObjectDisposedException(nameof(RedisConnection))
                : new RedisConnectionException($"Not connected to Redis at {_endpoint} (reconnecting): {_lastError?.Message ?? "connection lost"}", _lastError));
        }
        return session.Execute(command, args, cancellationToken);
    }

    /// <summary>Round-trip time of a PING.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        await ExecuteAsync("PING", [], cancellationToken);
        return _time.GetElapsedTime(started);
    }

    /// <summary>The value at <paramref name="key"/>, or null when there is none.</summary>
    public async Task<byte[]?> GetAsync(RedisArg key, CancellationToken cancellationToken = default)
    {
        var reply = await ExecuteAsync("GET", [key], cancellationToken);
        return reply.IsNull ? null : reply.Bytes.ToArray();
    }

    public async Task SetAsync(RedisArg key, RedisArg value, TimeSpan? expiry = null, CancellationToken cancellationToken = default)
    {
        var reply = expiry is { } ttl
            ? await ExecuteAsync("SET", [key, value, "PX", (long)Math.Ceiling(ttl.TotalMilliseconds)], cancellationToken)
            : await ExecuteAsync("SET", [key, value], cancellationToken);
        if (reply.AsString() != "OK")
        {
            throw new RedisException($"SET answered {reply} instead of OK.");
        }
    }

    /// <summary>
    /// Runs <paramref name="script"/> by SHA1. When the server does not have it (first use, a restart, a
    /// SCRIPT FLUSH) the reply is NOSCRIPT: the source is loaded and the call retried once. No list of
    /// loaded scripts is kept here, so nothing can go stale across reconnects; NOSCRIPT is the check.
    /// </summary>
    public ValueTask<RespValue> EvalShaAsync(
        RedisScript script, ReadOnlySpan<RedisArg> keys, ReadOnlySpan<RedisArg> args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        // The arguments must outlive this call in case of a retry; a pooled array keeps that allocation-free.
        var count = 2 + keys.Length + args.Length;
        var parts = ArrayPool<RedisArg>.Shared.Rent(count);
        parts[0] = script.Sha1Bytes;
        parts[1] = keys.Length;
        keys.CopyTo(parts.AsSpan(2));
        args.CopyTo(parts.AsSpan(2 + keys.Length));
        return EvalShaWithReloadAsync(script, ExecuteAsync("EVALSHA", parts.AsSpan(0, count), cancellationToken), parts, count, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _disposing.CancelAsync();
        await Volatile.Read(ref _reconnecting);
        if (Interlocked.Exchange(ref _session, null) is { } session)
        {
            await session.DisposeAsync();
        }
        _disposing.Dispose();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<RespValue> EvalShaWithReloadAsync(
        RedisScript script, ValueTask<RespValue> first, RedisArg[] parts, int count, CancellationToken cancellationToken)
    {
        try
        {
            try
            {
                return await first;
            }
            catch (RedisServerException e) when (e.ErrorCode == "NOSCRIPT")
            {
                await ExecuteAsync("SCRIPT", ["LOAD", script.Source], cancellationToken);
                return await ExecuteAsync("EVALSHA", parts.AsSpan(0, count), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<RedisArg>.Shared.Return(parts, clearArray: true);
        }
    }

    /// <summary>Makes <paramref name="session"/> current; false if it closed meanwhile and reconnecting is ours to do.</summary>
    private bool TryPublish(RedisSession session)
    {
        Volatile.Write(ref _session, session);
        if (Volatile.Read(ref _disposed) != 0)
        {
            // DisposeAsync may already have looked for a session to close; make sure this one is closed.
            if (Interlocked.CompareExchange(ref _session, null, session) == session)
            {
                _ = session.DisposeAsync().AsTask();
            }
            return true;
        }
        // If it closed before it was visible, OnSessionClosed found nothing to do; whoever swaps it out
        // owns reconnecting.
        return !session.IsClosed || Interlocked.CompareExchange(ref _session, null, session) != session;
    }

    private void OnSessionClosed(RedisSession session, Exception reason, int inFlight)
    {
        Volatile.Write(ref _lastError, reason);
        if (Interlocked.CompareExchange(ref _session, null, session) != session)
        {
            return; // never published (a failed handshake), or already replaced, or disposing
        }
        LogConnectionLost(_logger, _endpoint, inFlight, reason.Message);
        Raise(Disconnected, nameof(Disconnected));
        StartReconnecting();
    }

    private void StartReconnecting()
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            Volatile.Write(ref _reconnecting, Task.Run(ReconnectLoopAsync));
        }
    }

    private async Task ReconnectLoopAsync()
    {
        // The first attempt is immediate: a killed connection or a failover is usually back at once.
        var delay = TimeSpan.Zero;
        for (var attempt = 1; !_disposing.IsCancellationRequested; attempt++)
        {
            try
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _time, _disposing.Token);
                }
                var session = await RedisSession.OpenAsync(Options, _time, _pool, OnSessionClosed, _disposing.Token);
                if (TryPublish(session))
                {
                    if (Volatile.Read(ref _disposed) == 0)
                    {
                        Interlocked.Increment(ref _reconnectCount);
                        LogReconnected(_logger, _endpoint, attempt);
                        Raise(Reconnected, nameof(Reconnected));
                    }
                    return;
                }
                delay = NextDelay(delay);
            }
            catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Volatile.Write(ref _lastError, e);
                delay = NextDelay(delay);
                LogReconnectFailed(_logger, _endpoint, attempt, (long)delay.TotalMilliseconds, e.Message);
            }
        }
    }

    // Doubling from 100 ms up to the cap, with ±20% jitter so many gateway instances do not reconnect in step.
    private TimeSpan NextDelay(TimeSpan previous)
    {
        var doubled = previous == TimeSpan.Zero ? FirstRetryDelay : previous * 2;
        var capped = doubled > Options.MaxReconnectDelay ? Options.MaxReconnectDelay : doubled;
        return capped * (0.8 + (Random.Shared.NextDouble() * 0.4));
    }

    private void Raise(EventHandler? handler, string name)
    {
        try
        {
            handler?.Invoke(this, EventArgs.Empty);
        }
        catch (Exception e)
        {
            LogHandlerFailed(_logger, e, name);
        }
    }

    [LoggerMessage(EventId = 4701, Level = LogLevel.Information, Message = "Connected to Redis at {Endpoint}")]
    private static partial void LogConnected(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 4702, Level = LogLevel.Warning, Message = "Lost the Redis connection to {Endpoint}, failing {InFlight} in-flight commands; reconnecting: {Reason}")]
    private static partial void LogConnectionLost(ILogger logger, string endpoint, int inFlight, string reason);

    [LoggerMessage(EventId = 4703, Level = LogLevel.Warning, Message = "Reconnect attempt {Attempt} to Redis at {Endpoint} failed; retrying in {DelayMs} ms: {Reason}")]
    private static partial void LogReconnectFailed(ILogger logger, string endpoint, int attempt, long delayMs, string reason);

    [LoggerMessage(EventId = 4704, Level = LogLevel.Information, Message = "Reconnected to Redis at {Endpoint} after {Attempts} attempt(s)")]
    private static partial void LogReconnected(ILogger logger, string endpoint, int attempts);

    [LoggerMessage(EventId = 4705, Level = LogLevel.Error, Message = "A Redis {Event} event handler threw")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string @event);
}
