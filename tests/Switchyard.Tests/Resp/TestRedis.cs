using Switchyard.Resp;

namespace Switchyard.Tests.Resp;

/// <summary>
/// The Redis server scripts/test starts (URL in SWITCHYARD_TEST_REDIS), and private servers for tests
/// that pause, kill or restart one. No mocks: the client is tested against real redis-server.
/// </summary>
internal static class TestRedis
{
    public static RedisOptions Options
    {
        get
        {
            var url = Environment.GetEnvironmentVariable("SWITCHYARD_TEST_REDIS");
            if (string.IsNullOrEmpty(url))
            {
                throw new InvalidOperationException(
                    "SWITCHYARD_TEST_REDIS is not set: run the tests with scripts/test, which starts Redis on loopback " +
                    "(or export SWITCHYARD_TEST_REDIS=$(scripts/services/redis start)).");
            }
            return RedisOptions.Parse(url);
        }
    }

    public static Task<RedisConnection> ConnectAsync(Func<RedisOptions, RedisOptions>? configure = null) =>
        RedisConnection.ConnectAsync(configure is null ? Options : configure(Options));

    /// <summary>A key no other test uses.</summary>
    public static string Key(string name) => $"switchyard-test:{name}:{Guid.NewGuid():N}";

    public static TaskCompletionSource Signal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Redis client tests run one class at a time and apart from every other test: the throughput check saturates the
/// thread pool, which would stretch the latency the timeout tests depend on, and the failure tests pause and kill
/// connections on the shared server, which would stall the quota tests using it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RedisCollection
{
    public const string Name = "Redis";
}
