using System.Text;

namespace Switchyard.Contracts;

/// <summary>Pure, so the relay and every provider adapter read an upstream failure alike.</summary>
public static class UpstreamErrorClassifier
{
    /// <summary>
    /// The generic reading of an upstream failure, for bodies the caller cannot pass through: 401/403 concern the
    /// channel's credentials, not the client's, so they become a 502 that says so; other statuses are kept.
    /// </summary>
    public static GatewayError Classify(int status, ReadOnlySpan<byte> body, string channel, bool passBodyThrough)
    {
        if (status is 401 or 403)
        {
            return new GatewayError(GatewayErrorKind.UpstreamError, 502,
                $"The upstream channel '{channel}' rejected its credentials (status {status}).", AllowFallback: true)
            { Code = "upstream_auth_failed" };
        }
        var retryable = status is 408 or 429 or >= 500;
        if (passBodyThrough)
        {
            return new GatewayError(GatewayErrorKind.UpstreamError, status, $"Upstream returned status {status}.", retryable) { UpstreamBody = body.ToArray() };
        }
        var text = Encoding.UTF8.GetString(body[..Math.Min(body.Length, 512)]).Trim();
        return new GatewayError(GatewayErrorKind.UpstreamError, status,
            text.Length == 0 ? $"Upstream returned status {status}." : $"Upstream returned status {status}: {text}", retryable);
    }
}
