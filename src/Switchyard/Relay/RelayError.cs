namespace Switchyard.Relay;

public enum RelayErrorKind
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
    ClientDisconnected,
    RateLimited,
    Internal,
}

/// <summary>
/// A failure, in protocol-neutral terms; each client codec renders it in its own error shape.
/// <paramref name="UpstreamBody"/> carries an upstream error body in the caller's protocol that may be passed on as is.
/// </summary>
public sealed record RelayError(RelayErrorKind Kind, int Status, string Message, bool AllowFallback = false)
{
    public string? Param { get; init; }
    public string? Code { get; init; }
    public ReadOnlyMemory<byte> UpstreamBody { get; init; }

    /// <summary>The ledger's error_kind column: stable snake_case names.</summary>
    public string LedgerName => Kind switch
    {
        RelayErrorKind.InvalidRequest => "invalid_request",
        RelayErrorKind.MalformedJson => "malformed_json",
        RelayErrorKind.MissingKey => "missing_key",
        RelayErrorKind.InvalidKey => "invalid_key",
        RelayErrorKind.ModelNotAllowed => "model_not_allowed",
        RelayErrorKind.ModelNotFound => "model_not_found",
        RelayErrorKind.NoChannel => "no_channel",
        RelayErrorKind.BodyTooLarge => "body_too_large",
        RelayErrorKind.UpstreamUnreachable => "upstream_unreachable",
        RelayErrorKind.UpstreamTimeout => "upstream_timeout",
        RelayErrorKind.UpstreamError => "upstream_error",
        RelayErrorKind.UpstreamStreamBroken => "upstream_stream_broken",
        RelayErrorKind.ClientDisconnected => "client_disconnected",
        RelayErrorKind.RateLimited => "rate_limited",
        RelayErrorKind.Internal => "internal",
        _ => "unknown",
    };
}
