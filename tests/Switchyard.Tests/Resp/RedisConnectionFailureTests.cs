using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Switchyard.Resp;

namespace Switchyard.Tests.Resp;

/// <summary>
/// Timeouts, killed connections and a crashed server. Tests that pause or kill a server use a private
/// redis-server so other tests sharing the scripts/test server are not disturbed.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisConnectionFailureTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ExecuteAsync_ServerPaused_TimesOutAndLateRepliesAreNotMisdelivered()
    {
        await using var server = await RedisServerProcess.StartAsync();
        var timeout = TimeSpan.FromMilliseconds(500);
        await using var redis = await RedisConnection.ConnectAsync(server.Options with { CommandTimeout = timeout });
        await using var admin = await RedisConnection.ConnectAsync(server.Options with { CommandTimeout = TimeSpan.FromSeconds(20) });
        await redis.SetAsync("first", "one");
        await redis.SetAsync("second", "two");

        // Paused by its own connection, so the commands queued right behind are certainly held by the pause
        // (its own reply is not awaited: on a loaded machine it may time out too, which changes nothing).
        var watch = Stopwatch.StartNew();
        var pause = redis.ExecuteAsync("CLIENT", "PAUSE", 2000).AsTask();
        var first = redis.ExecuteAsync("GET", "first").AsTask();
        var stalled = Enumerable.Range(0, 500).Select(_ => redis.ExecuteAsync("INCR", "n").AsTask()).ToArray();
        var error = await Assert.ThrowsAsync<RedisTimeoutException>(() => first);
        var waited = watch.Elapsed;
        foreach (var command in stalled)
        {
            await Assert.ThrowsAsync<RedisTimeoutException>(() => command);
        }
        try
        {
            await pause;
        }
        catch (RedisTimeoutException)
        {
        }
        // The admin connection's PING is answered when the pause ends, and the late replies arrive then too.
        await admin.ExecuteAsync("PING");
        var second = await redis.ExecuteAsync("GET", "second");
        var incr = await redis.ExecuteAsync("INCR", "n");

        Assert.True(waited >= timeout, $"timed out after {waited}");
        Assert.Contains("GET got no reply within 500 ms", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(RedisServerProcess.Password, error.Message, StringComparison.Ordinal);
        Assert.Equal("two", second.AsString());
        // The 500 INCRs still ran on the server; their late replies were skipped.
        Assert.Equal(501, incr.AsInt64());
        Assert.True(redis.IsConnected);
        Assert.Equal(0, redis.ReconnectCount);
    }

    [Fact]
    public async Task ClientKill_InFlightFailsFastThenReconnects()
    {
        var options = TestRedis.Options with { CommandTimeout = TimeSpan.FromSeconds(60) };
        await using var redis = await RedisConnection.ConnectAsync(options);
        await using var admin = await TestRedis.ConnectAsync();
        var reconnected = TestRedis.Signal();
        redis.Reconnected += (_, _) => reconnected.TrySetResult();
        var id = (await redis.ExecuteAsync("CLIENT", "ID")).AsInt64();
        var script = new RedisScript("return ARGV[1] + 1");
        Assert.Equal(2, (await redis.EvalShaAsync(script, [], [1])).AsInt64());

        var watch = Stopwatch.StartNew();
        var blocked = redis.ExecuteAsync("BLPOP", TestRedis.Key("never"), 50).AsTask();
        await admin.ExecuteAsync("CLIENT", "KILL", "ID", id);
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => blocked);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"in-flight command took {watch.Elapsed} to fail");
        await reconnected.Task.WaitAsync(Patience);

        Assert.Contains("BLPOP", error.Message, StringComparison.Ordinal);
        Assert.True(redis.IsConnected);
        Assert.Equal(1, redis.ReconnectCount);
        Assert.NotEqual(id, (await redis.ExecuteAsync("CLIENT", "ID")).AsInt64());
        Assert.Equal(3, (await redis.EvalShaAsync(script, [], [2])).AsInt64());
    }

    [Fact]
    public async Task ServerCrash_FailsFastWhileDownAndReconnectsWithAuthAndSelect()
    {
        await using var server = await RedisServerProcess.StartAsync();
        var options = server.Options with { Database = 5, CommandTimeout = TimeSpan.FromSeconds(60), MaxReconnectDelay = TimeSpan.FromMilliseconds(300) };
        var log = new ListLogger();
        await using var redis = await RedisConnection.ConnectAsync(options, log);
        var disconnected = TestRedis.Signal();
        var reconnected = TestRedis.Signal();
        redis.Disconnected += (_, _) => disconnected.TrySetResult();
        redis.Reconnected += (_, _) => reconnected.TrySetResult();
        var script = new RedisScript("return redis.call('INCR', KEYS[1])");
        Assert.Equal(1, (await redis.EvalShaAsync(script, ["counter"], [])).AsInt64());

        var inFlight = redis.ExecuteAsync("BLPOP", "nothing", 50).AsTask();
        await server.KillAsync();
        await Assert.ThrowsAsync<RedisConnectionException>(() => inFlight);
        await disconnected.Task.WaitAsync(Patience);

        // While the server is down nothing waits: the command fails before this method returns.
        var whileDown = redis.ExecuteAsync("PING");
        Assert.True(whileDown.IsCompleted);
        var downError = await Assert.ThrowsAsync<RedisConnectionException>(async () => await whileDown);
        Assert.Contains("Not connected", downError.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(RedisServerProcess.Password, downError.ToString(), StringComparison.Ordinal);
        Assert.False(redis.IsConnected);

        await server.StartAgainAsync();
        await reconnected.Task.WaitAsync(Patience);

        // A fresh server: SELECT 5 was re-run (the key lands in db 5) and the script reloaded after NOSCRIPT.
        Assert.True(redis.IsConnected);
        Assert.Equal(1, (await redis.EvalShaAsync(script, ["counter"], [])).AsInt64());
        await using var db5 = await RedisConnection.ConnectAsync(server.Options with { Database = 5 });
        Assert.Equal(1, (await db5.ExecuteAsync("GET", "counter")).AsInt64());
        await using var db0 = await RedisConnection.ConnectAsync(server.Options);
        Assert.True((await db0.ExecuteAsync("GET", "counter")).IsNull);
        Assert.Contains(log.Messages, message => message.StartsWith("Lost the Redis connection to redis://:***@127.0.0.1", StringComparison.Ordinal));
        Assert.Contains(log.Messages, message => message.StartsWith("Reconnected to Redis", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Messages, message => message.Contains(RedisServerProcess.Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DisposeAsync_WhileReconnecting_StopsTheLoop()
    {
        await using var server = await RedisServerProcess.StartAsync();
        var redis = await RedisConnection.ConnectAsync(server.Options with { MaxReconnectDelay = TimeSpan.FromMilliseconds(100) });
        var disconnected = TestRedis.Signal();
        redis.Disconnected += (_, _) => disconnected.TrySetResult();

        await server.KillAsync();
        await disconnected.Task.WaitAsync(Patience);
        await redis.DisposeAsync().AsTask().WaitAsync(Patience);

        Assert.False(redis.IsConnected);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await redis.ExecuteAsync("PING"));
    }

    private sealed class ListLogger : ILogger
    {
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_messages)
            {
                _messages.Add(formatter(state, exception) + (exception is null ? "" : " " + exception));
            }
        }
    }
}
