using System.Security.Cryptography;
using System.Text.Json;

namespace Switchyard.Audit;

/// <summary>
/// One audit record. <see cref="Hash"/> covers every other field and the previous entry's hash, so editing, removing or
/// reordering any entry breaks the chain from that point on. Keyed entries hold <c>k1.&lt;key id&gt;.&lt;HMAC-SHA256&gt;</c>
/// under a key derived from <c>security.secret_key</c>, which someone who can only write the database cannot recompute;
/// entries written without a secret key (and before keys existed) hold a plain SHA-256 in hex.
/// </summary>
public sealed record AuditEntry
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";
    private const string KeyedPrefix = "k1.";

    public required long Seq { get; init; }
    public required DateTimeOffset At { get; init; }
    public required string Actor { get; init; }
    public string? ActorRole { get; init; }
    public string? Address { get; init; }
    public required string Action { get; init; }
    public required string TargetType { get; init; }
    public string? Target { get; init; }
    public required string Outcome { get; init; }

    /// <summary>What changed, as JSON: <c>{"field":{"from":…,"to":…}}</c> for updates, the entity for creates and deletes.</summary>
    public string? Changes { get; init; }
    public required string PrevHash { get; init; }
    public string Hash { get; init; } = "";

    /// <summary>The unkeyed hash: SHA-256 of the fields.</summary>
    public string ComputeHash() => Convert.ToHexStringLower(SHA256.HashData(Canonical()));

    /// <summary>The keyed hash: HMAC-SHA256 of the same bytes, named by the key's id.</summary>
    public string ComputeKeyedHash(string keyId, byte[] key) => $"{KeyedPrefix}{keyId}.{Convert.ToHexStringLower(HMACSHA256.HashData(key, Canonical()))}";

    /// <summary>The id of the key that sealed an entry with this hash, or null for an unkeyed entry.</summary>
    public static string? KeyIdOf(string hash) =>
        hash.StartsWith(KeyedPrefix, StringComparison.Ordinal) && hash.IndexOf('.', KeyedPrefix.Length) is > 0 and var dot ? hash[KeyedPrefix.Length..dot] : null;

    private byte[] Canonical()
    {
        // A JSON array is an unambiguous encoding: no field can be shifted into its neighbour by a crafted value.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(Seq);
            writer.WriteNumberValue(At.ToUnixTimeMilliseconds());
            writer.WriteStringValue(Actor);
            writer.WriteStringValue(ActorRole);
            writer.WriteStringValue(Address);
            writer.WriteStringValue(Action);
            writer.WriteStringValue(TargetType);
            writer.WriteStringValue(Target);
            writer.WriteStringValue(Outcome);
            writer.WriteStringValue(Changes);
            writer.WriteStringValue(PrevHash);
            writer.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>
/// The result of walking the chain: intact, or the first entry where it breaks and why. <see cref="KeyedFrom"/> is the
/// first keyed entry: entries before it were written without a secret key and are not protected against a database writer.
/// </summary>
public sealed record AuditVerification(bool Ok, long Entries, long? BrokenAt, string? Reason, long? KeyedFrom = null);
