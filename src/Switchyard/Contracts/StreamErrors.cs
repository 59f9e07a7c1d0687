namespace Switchyard.Contracts;

/// <summary>The failures every relayed stream can end with, whichever side reads it.</summary>
public static class StreamErrors
{
    public static readonly GatewayError Broken = new(GatewayErrorKind.UpstreamStreamBroken, 502, "The upstream stream broke before it completed.");
    public static readonly GatewayError StreamTimeout = new(GatewayErrorKind.UpstreamTimeout, 504, "The upstream stream did not finish in time (router.request_timeout).");
    public static readonly GatewayError ClientLeft = new(GatewayErrorKind.ClientDisconnected, 499, "The client closed the connection.");

    /// <summary>The client stopped reading: a write to it waited longer than the stream-idle timeout.</summary>
    public static readonly GatewayError ClientStalled = new(GatewayErrorKind.ClientStalled, 408,
        "The client stopped reading the answer (router.stream_idle_timeout); the request was cut and the upstream call cancelled.");

    /// <summary>A 2xx answer that is not what its protocol promises: unparseable JSON, or a stream frame that is no event.</summary>
    public static readonly GatewayError Malformed = new(GatewayErrorKind.UpstreamMalformed, 502, "The upstream's answer was malformed.");

    public static GatewayError TooLarge(long limit) => new(GatewayErrorKind.UpstreamTooLarge, 502,
        $"The upstream's answer is larger than the gateway's limit of {limit} bytes (server.max_upstream_body_bytes).");
}
