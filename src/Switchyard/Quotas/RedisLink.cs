using Microsoft.Extensions.Logging;
using Switchyard.Resp;

namespace Switchyard.Quotas;

/// <summary>
/// The gateway's Redis connection, made on first use and remade after a failed start: the client reconnects by
/// itself once connected, but a gateway started while Redis was down must keep trying too.
/// </summary>
public sealed class RedisLink(RedisOptions options, ILoggerFactory loggers, TimeProvider time) : IAsyncDisposable
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private RedisConnection? _connection;
    private DateTimeOffset _nextAttempt;

    public async ValueTask<RedisConnection> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _connection) is { } ready)
        {
            return ready;
        }
        if (time.GetUtcNow() < _nextAttempt)
        {
            throw new RedisConnectionException("Redis is not reachable yet.");
        }
        await _connecting.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { } made)
            {
                return made;
            }
            try
            {
                _connection = await RedisConnection.ConnectAsync(options, loggers.CreateLogger<RedisConnection>(), time, cancellationToken);
                return _connection;
            }
            catch (RedisException)
            {
                // Failing requests must not each wait out a connect timeout: try again in a second.
                _nextAttempt = time.GetUtcNow() + RetryEvery;
                throw;
            }
        }
        finally
        {
            _connecting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.DisposeAsync();
        }
        _connecting.Dispose();
    }
}
