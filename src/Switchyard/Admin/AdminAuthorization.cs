using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Switchyard.Hosting;
using Switchyard.Relay;

namespace Switchyard.Admin;

/// <summary>Admin requests carry the master key as a bearer token, compared in constant time.</summary>
public sealed class AdminAuthorization(GatewayRuntime runtime)
{
    private readonly byte[]? _masterHash = runtime.Config.Security.MasterKey is { } master ? SHA256.HashData(Encoding.UTF8.GetBytes(master)) : null;

    public RelayError? Check(HttpRequest request)
    {
        if (_masterHash is null)
        {
            return new RelayError(RelayErrorKind.InvalidKey, 401, "The admin API is disabled: set security.master_key in the config.");
        }
        var token = KeyAuthentication.BearerToken(request);
        if (token.IsEmpty)
        {
            return new RelayError(RelayErrorKind.MissingKey, 401, "The admin API needs 'Authorization: Bearer <master key>'.");
        }
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(token.ToString()), hash);
        // Hashing first makes the comparison fixed-length, so its time says nothing about the key's length either.
        return CryptographicOperations.FixedTimeEquals(hash, _masterHash)
            ? null
            : new RelayError(RelayErrorKind.InvalidKey, 401, "Incorrect admin key provided.");
    }
}
