using System.Diagnostics;
using Switchyard.Resp;
using Xunit.Abstractions;

namespace Switchyard.Tests.Resp;

/// <summary>The client against the Redis server scripts/test starts.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisConnectionTests(ITestOutputHelper output)
{
    private static readonly RedisScript AddScript = new("return redis.call('INCRBY', KEYS[1], ARGV[1])");

    [Fact]
    public async Task PingAsync_LiveServer_Answers()
    {
        await using var redis = await TestRedis.ConnectAsync();

        var reply = await redis.ExecuteAsync("PING");
        await redis.PingAsync();

        Assert.Equal(RespValue.SimpleString("PONG"), reply);
        Assert.True(redis.IsConnected);
    }

    [Fact]
    public async Task SetAsync_BinaryValue_GetAsyncReturnsSameBytes()
    {
        await using var redis = await TestRedis.ConnectAsync();
        var key = TestRedis.Key("binary");
        var value = new byte[256 * 1024];
        new Random(3).NextBytes(value);
        value[0] = (byte)'\r';
        value[1] = (byte)'\n';

        await redis.SetAsync(key, value, TimeSpan.FromMinutes(1));
        var read = await redis.GetAsync(key);
        var missing = await redis.GetAsync(key + ":missing");

        Assert.Equal(value, read);
        Assert.Null(missing);
        Assert.InRange((await redis.ExecuteAsync("PTTL", key)).AsInt64(), 1, 60_000);
        await redis.ExecuteAsync("DEL", key);
    }

    [Fact]
    public async Task ExecuteAsync_1000ConcurrentIncrs_CountExactlyAndReplyInOrder()
    {
        await using var redis = await TestRedis.ConnectAsync();
        var key = TestRedis.Key("incr");

        var replies = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => redis.ExecuteAsync("INCR", key).AsTask()));

        Assert.Equal(Enumerable.Range(1, 1000).Select(n => (long)n), replies.Select(reply => reply.AsInt64()));
        Assert.Equal(1000, (await redis.ExecuteAsync("GET", key)).AsInt64());
        await redis.ExecuteAsync("DEL", key);
    }

    [Fact]
    public async Task ExecuteAsync_IncrsFromManyThreads_CountExactly()
    {
        await using var redis = await TestRedis.ConnectAsync();
        var key = TestRedis.Key("threads");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var batch = new List<Task<RespValue>>();
            for (var i = 0; i < 125; i++)
            {
                batch.Add(redis.ExecuteAsync("INCRBY", key, 2).AsTask());
            }
            await Task.WhenAll(batch);
        })));

        Assert.Equal(2000, (await redis.ExecuteAsync("GET", key)).AsInt64());
        await redis.ExecuteAsync("DEL", key);
    }

    [Fact]
    public async Task EvalShaAsync_ScriptFlushed_LoadsAndRetriesTransparently()
    {
        await using var redis = await TestRedis.ConnectAsync();
        var key = TestRedis.Key("script");
        await redis.ExecuteAsync("SCRIPT", "FLUSH");

        var first = await redis.EvalShaAsync(AddScript, [key], [5]);
        var loaded = await redis.ExecuteAsync("SCRIPT", "EXISTS", AddScript.Sha1);
        var second = await redis.EvalShaAsync(AddScript, [key], [10]);
        await redis.ExecuteAsync("SCRIPT", "FLUSH");
        var afterFlush = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => redis.EvalShaAsync(AddScript, [key], [1]).AsTask()));

        Assert.Equal(5, first.AsInt64());
        Assert.Equal(1, loaded[0].AsInt64());
        Assert.Equal(15, second.AsInt64());
        Assert.Equal(Enumerable.Range(16, 20).Select(n => (long)n), afterFlush.Select(reply => reply.AsInt64()).Order());
        await redis.ExecuteAsync("DEL", key);
    }

    [Fact]
    public async Task EvalShaAsync_ScriptError_SurfacesAsServerError()
    {
        await using var redis = await TestRedis.ConnectAsync();
        var failing = new RedisScript("return redis.error_reply('QUOTA over the limit')");

        var error = await Assert.ThrowsAsync<RedisServerException>(async () => await redis.EvalShaAsync(failing, [], []));

        Assert.Equal("QUOTA", error.ErrorCode);
        Assert.Equal("OK", (await redis.ExecuteAsync("SET", TestRedis.Key("after"), 1, "PX", 1000)).AsString());
    }

    [Fact]
    public async Task ConnectAsync_WrongPassword_FailsClearlyWithoutRevealingIt()
    {
        var options = TestRedis.Options with { Password = "definitely-wrong-password" };

        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => RedisConnection.ConnectAsync(options));

        Assert.Contains("refused the credentials", error.Message, StringComparison.Ordinal);
        Assert.Contains("WRONGPASS", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("definitely-wrong-password", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_PasswordMissing_SaysOneIsRequired()
    {
        var options = TestRedis.Options with { Password = null, User = null };

        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => RedisConnection.ConnectAsync(options));

        Assert.Contains("requires a password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_NothingListening_FailsWithConnectionError()
    {
        var options = TestRedis.Options with { Port = 1 };

        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => RedisConnection.ConnectAsync(options));

        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestRedis.Options.Password!, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_Database_IsolatesKeys()
    {
        await using var db3 = await TestRedis.ConnectAsync(o => o with { Database = 3 });
        await using var db4 = await TestRedis.ConnectAsync(o => o with { Database = 4 });
        await using var db0 = await TestRedis.ConnectAsync();
        var key = TestRedis.Key("db");

        await db3.SetAsync(key, "three");
        await db4.SetAsync(key, "four");

        Assert.Equal("three", (await db3.ExecuteAsync("GET", key)).AsString());
        Assert.Equal("four", (await db4.ExecuteAsync("GET", key)).AsString());
        Assert.Null(await db0.GetAsync(key));
        await db3.ExecuteAsync("DEL", key);
        await db4.ExecuteAsync("DEL", key);
    }

    [Fact]
    public async Task ExecuteAsync_ServerErrorsAmongPipelinedCommands_FailOnlyTheirOwnCommand()
    {
        await using var redis = await TestRedis.ConnectAsync();
        var key = TestRedis.Key("errors");

        var set = redis.ExecuteAsync("SET", key, "text").AsTask();
        var unknown = redis.ExecuteAsync("NOSUCHCOMMAND", "arg").AsTask();
        var wrongType = redis.ExecuteAsync("LPUSH", key, "item").AsTask();
        var get = redis.ExecuteAsync("GET", key).AsTask();

        Assert.Equal("OK", (await set).AsString());
        var unknownError = await Assert.ThrowsAsync<RedisServerException>(() => unknown);
        Assert.Equal("ERR", unknownError.ErrorCode);
        Assert.Contains("unknown command", unknownError.Message, StringComparison.Ordinal);
        Assert.Equal("WRONGTYPE", (await Assert.ThrowsAsync<RedisServerException>(() => wrongType)).ErrorCode);
        Assert.Equal("text", (await get).AsString());
        Assert.True(redis.IsConnected);
        Assert.Equal(0, redis.ReconnectCount);
        await redis.ExecuteAsync("DEL", key);
    }

    [Fact]
    public async Task ExecuteAsync_ArrayReplies_AreParsed()
    {
        await using var redis = await TestRedis.ConnectAsync();
        var key = TestRedis.Key("list");
        await redis.ExecuteAsync("RPUSH", key, "a", 2, new byte[] { 0, 1 });

        var items = await redis.ExecuteAsync("LRANGE", key, 0, -1);
        var nothing = await redis.ExecuteAsync("BLPOP", key + ":empty", 0.01);

        Assert.Equal(RespValue.Array([RespValue.BulkString("a"), RespValue.BulkString("2"), RespValue.BulkString([0, 1])]), items);
        Assert.True(nothing.IsNull);
        await redis.ExecuteAsync("DEL", key);
    }

    [Fact]
    public async Task ExecuteAsync_Cancelled_ThrowsAndConnectionStaysUsable()
    {
        await using var redis = await TestRedis.ConnectAsync();
        await using var other = await TestRedis.ConnectAsync();
        var key = TestRedis.Key("blocked");
        using var cancel = new CancellationTokenSource();

        var blocked = redis.ExecuteAsync("BLPOP", [key, 30], cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
        // Releases the server-side BLPOP; its late reply must be discarded, not handed to the next command.
        await other.ExecuteAsync("RPUSH", key, "released");

        Assert.Equal("PONG", (await redis.ExecuteAsync("PING")).AsString());
        Assert.True(redis.IsConnected);
    }

    [Fact]
    public async Task ExecuteAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var redis = await TestRedis.ConnectAsync();
        await redis.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await redis.ExecuteAsync("PING"));
        Assert.False(redis.IsConnected);
    }

    [Fact]
    public async Task ExecuteAsync_PipelinedIncrs_ReportsThroughput()
    {
        // A sanity check, not a timed assertion: prints what one connection sustains here.
        await using var redis = await TestRedis.ConnectAsync();
        var key = TestRedis.Key("bench");
        const int Workers = 64;
        const int PerWorker = 3_000;
        await redis.ExecuteAsync("INCR", key);

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < PerWorker; i++)
            {
                await redis.ExecuteAsync("INCR", key);
            }
        })));
        watch.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        const int Total = Workers * PerWorker;
        Assert.Equal(Total + 1, (await redis.ExecuteAsync("GET", key)).AsInt64());
        output.WriteLine($"{Total} INCRs from {Workers} concurrent callers in {watch.ElapsedMilliseconds} ms: " +
            $"{Total / watch.Elapsed.TotalSeconds:N0}/s, ~{allocated / Total} bytes allocated per command (whole process)");
        await redis.ExecuteAsync("DEL", key);
    }
}
