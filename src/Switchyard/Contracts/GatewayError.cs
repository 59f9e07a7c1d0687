namespace Switchyard.Contracts;

public enum GatewayErrorKind
{
    InvalidRequest,
    MalformedJson,
    MissingKey,
    InvalidKey,
    ModelNotAllowed,
    ModelNotFound,
    NoChannel,
    BodyTooLarge,
    UpstreamUnreachable,
    UpstreamTimeout,
    UpstreamError,
    UpstreamStreamBroken,
    UpstreamMalformed,
    UpstreamTooLarge,
    ClientDisconnected,
    ClientStalled,
    RateLimited,
    Internal,
}

/// <summary>
/// A failure, in protocol-neutral terms; each client codec renders it in its own error shape.
/// <paramref name="UpstreamBody"/> carries an upstream error body in the caller's protocol that may be passed on as is.
/// </summary>
public sealed record GatewayError(GatewayErrorKind Kind, int Status, string Message, bool AllowFallback = false)
{
    public string? Param { get; init; }
    public string? Code { get; init; }
    public ReadOnlyMemory<byte> UpstreamBody { get; init; }

    /// <summary>The ledger's error_kind column: stable snake_case names.</summary>
    public string LedgerName => Kind switch
    {
        GatewayErrorKind.InvalidRequest => "invalid_request",
        GatewayErrorKind.MalformedJson => "malformed_json",
        GatewayErrorKind.MissingKey => "missing_key",
        GatewayErrorKind.InvalidKey => "invalid_key",
        GatewayErrorKind.ModelNotAllowed => "model_not_allowed",
        GatewayErrorKind.ModelNotFound => "model_not_found",
        GatewayErrorKind.NoChannel => "no_channel",
        GatewayErrorKind.BodyTooLarge => "body_too_large",
        GatewayErrorKind.UpstreamUnreachable => "upstream_unreachable",
        GatewayErrorKind.UpstreamTimeout => "upstream_timeout",
        GatewayErrorKind.UpstreamError => "upstream_error",
        GatewayErrorKind.UpstreamStreamBroken => "upstream_stream_broken",
        GatewayErrorKind.UpstreamMalformed => "upstream_malformed",
        GatewayErrorKind.UpstreamTooLarge => "upstream_body_too_large",
        GatewayErrorKind.ClientDisconnected => "client_disconnected",
        GatewayErrorKind.ClientStalled => "client_stalled",
        GatewayErrorKind.RateLimited => "rate_limited",
        GatewayErrorKind.Internal => "internal",
        _ => "unknown",
    };
}
