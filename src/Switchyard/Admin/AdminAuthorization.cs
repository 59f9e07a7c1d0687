using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Switchyard.Hosting;
using Switchyard.Relay;

namespace Switchyard.Admin;

/// <summary>Admin requests carry the master key as a bearer token, compared in constant time.</summary>
public sealed class AdminAuthorization(GatewayRuntime runtime)
{
    private (string? Key, byte[]? Hash) _master;

    /// <summary>The master key's hash, recomputed only when a reload changed the key.</summary>
    private byte[]? MasterHash()
    {
        var configured = runtime.Config.Security.MasterKey;
        var cached = _master;
        if (!ReferenceEquals(cached.Key, configured))
        {
            cached = (configured, configured is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(configured)));
            _master = cached;
        }
        return cached.Hash;
    }

    public RelayError? Check(HttpRequest request)
    {
        var masterHash = MasterHash();
        if (masterHash is null)
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
        return CryptographicOperations.FixedTimeEquals(hash, masterHash)
            ? null
            : new RelayError(RelayErrorKind.InvalidKey, 401, "Incorrect admin key provided.");
    }
}
