using System.Security.Cryptography;
using System.Text;

namespace Switchyard.Resp;

/// <summary>
/// A Lua script run with EVALSHA. The SHA1 is computed once here, so a call sends 40 hex bytes instead of
/// the source; <see cref="RedisConnection.EvalShaAsync"/> loads the source when the server lacks it.
/// Create one instance per script and keep it (a static field is the usual place).
/// </summary>
public sealed class RedisScript
{
    private readonly byte[] _sha1Hex;

    public RedisScript(string source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        Source = source;
#pragma warning disable CA5350 // Redis names scripts by SHA1; this is an identifier, not security.
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(source)));
#pragma warning restore CA5350
        _sha1Hex = Encoding.ASCII.GetBytes(Sha1);
    }

    public string Source { get; }

    /// <summary>Lower-case hex, as SCRIPT LOAD returns it.</summary>
    public string Sha1 { get; }

    internal ReadOnlyMemory<byte> Sha1Bytes => _sha1Hex;

    public override string ToString() => $"script {Sha1}";
}
