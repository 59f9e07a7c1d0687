namespace Switchyard.Resp;

/// <summary>Base of every failure the Redis client reports, so callers can fail open or closed on one type.</summary>
public class RedisException : Exception
{
    public RedisException(string message)
        : base(message)
    {
    }

    public RedisException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// No connection: the command was not sent, or its connection dropped before the reply came. The client
/// reconnects in the background; a later command may succeed.
/// </summary>
public sealed class RedisConnectionException : RedisException
{
    public RedisConnectionException(string message)
        : base(message)
    {
    }

    public RedisConnectionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// No reply within the command timeout. The command may still run on the server: the connection stays
/// up and its late reply is discarded.
/// </summary>
internal sealed class RedisTimeoutException : RedisException
{
    public RedisTimeoutException(string message)
        : base(message)
    {
    }
}

/// <summary>The server answered with an error reply (<c>-ERR …</c>); the connection is unaffected.</summary>
internal sealed class RedisServerException : RedisException
{
    public RedisServerException(string message)
        : base(message)
    {
        var space = message.IndexOf(' ', StringComparison.Ordinal);
        ErrorCode = space > 0 ? message[..space] : message;
    }

    /// <summary>The error's first word, by Redis convention its kind: ERR, WRONGTYPE, NOSCRIPT, WRONGPASS…</summary>
    public string ErrorCode { get; }
}

/// <summary>The server sent bytes that are not RESP2; the connection is dropped and re-established.</summary>
internal sealed class RespProtocolException : RedisException
{
    public RespProtocolException(string message)
        : base(message)
    {
    }
}
