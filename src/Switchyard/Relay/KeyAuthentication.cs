using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Switchyard.Contracts;
using Switchyard.Tenancy;

namespace Switchyard.Relay;

/// <summary>Finds the client's virtual key in the request and checks it against the key ring.</summary>
internal static class KeyAuthentication
{
    /// <param name="http">The request, for its remote address (a key may be limited to some networks).</param>
    public static GatewayError? Authenticate(KeyRing keys, ReadOnlySpan<char> presented, RelayContext context, HttpContext http)
    {
        var check = keys.Authenticate(presented, out var key);
        if (check == KeyCheck.Valid && !key!.AllowsAddress(http.Connection.RemoteIpAddress))
        {
            context.Key = null;
            return new GatewayError(GatewayErrorKind.InvalidKey, 403, "This API key may not be used from your network address.") { Code = "address_not_allowed" };
        }
        context.Key = check == KeyCheck.Valid ? key : null;
        // Messages never echo the presented key, not even in part.
        return check switch
        {
            KeyCheck.Valid => null,
            KeyCheck.Missing => new GatewayError(GatewayErrorKind.MissingKey, 401,
                "You didn't provide an API key. Send it in the Authorization header as 'Bearer <key>'."),
            KeyCheck.Revoked => new GatewayError(GatewayErrorKind.InvalidKey, 401, "This API key has been revoked."),
            KeyCheck.Expired => new GatewayError(GatewayErrorKind.InvalidKey, 401, "This API key has expired."),
            _ => new GatewayError(GatewayErrorKind.InvalidKey, 401, "Incorrect API key provided."),
        };
    }
}
