using System.Security.Cryptography;
using System.Text.Json;

namespace Switchyard.Audit;

/// <summary>
/// One audit record. <see cref="Hash"/> is SHA-256 over every other field and the previous entry's hash, so editing,
/// removing or reordering any entry breaks the chain from that point on.
/// </summary>
public sealed record AuditEntry
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

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

    public string ComputeHash()
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
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }
}

/// <summary>The result of walking the chain: intact, or the first entry where it breaks and why.</summary>
public sealed record AuditVerification(bool Ok, long Entries, long? BrokenAt, string? Reason);
