namespace Switchyard.Contracts;

/// <summary>The failures every relayed stream can end with, whichever side reads it.</summary>
public static class StreamErrors
{
    public static readonly GatewayError Broken = new(GatewayErrorKind.UpstreamStreamBroken, 502, "The upstream stream broke before it completed.");
    public static readonly GatewayError StreamTimeout = new(GatewayErrorKind.UpstreamTimeout, 504, "The upstream stream did not finish in time (router.request_timeout).");
    public static readonly GatewayError ClientLeft = new(GatewayErrorKind.ClientDisconnected, 499, "The client closed the connection.");
}
