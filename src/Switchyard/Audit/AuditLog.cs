using System.Text;
using System.Text.Json;
using Switchyard.Storage;

namespace Switchyard.Audit;

/// <summary>
/// Records admin changes and logins: who, when, from which address, what changed (views only: secrets never reach it).
/// Every field is bounded (<see cref="AuditFieldLimits"/>), so no caller can make an entry large, and entries are keyed
/// under <see cref="AuditChainKeys"/> when a secret key is set.
/// </summary>
public sealed class AuditLog(AuditStore store, TimeProvider time, AuditChainKeys keys)
{
    public Task<AuditEntry> RecordAsync(string actor, string? role, string? address, string action, string targetType, string? target,
        string? changes, string outcome, CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow();
        // Stored at millisecond precision, so hash what is stored.
        at = DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());
        return store.AppendAsync((seq, prev) => Seal(new AuditEntry
        {
            Seq = seq,
            At = at,
            Actor = AuditFieldLimits.Cap(actor, AuditFieldLimits.NameBytes)!,
            ActorRole = AuditFieldLimits.Cap(role, AuditFieldLimits.WordBytes),
            Address = AuditFieldLimits.Cap(address, AuditFieldLimits.WordBytes),
            Action = AuditFieldLimits.Cap(action, AuditFieldLimits.WordBytes)!,
            TargetType = AuditFieldLimits.Cap(targetType, AuditFieldLimits.WordBytes)!,
            Target = AuditFieldLimits.Cap(target, AuditFieldLimits.NameBytes),
            Outcome = AuditFieldLimits.Cap(outcome, AuditFieldLimits.WordBytes)!,
            Changes = AuditFieldLimits.CapJson(changes),
            PrevHash = prev,
        }), cancellationToken);
    }

    private AuditEntry Seal(AuditEntry entry) => entry with
    {
        Hash = keys.HasCurrent ? entry.ComputeKeyedHash(keys.Current.Id, keys.Current.Key) : entry.ComputeHash(),
    };

    /// <summary>
    /// Walks the chain. Unkeyed entries may only come first (written before a secret key was set); once an entry is
    /// keyed, every later one must be keyed too, under the same or a newer key. With a secret key set, a chain with no
    /// keyed entry at all fails: it cannot be told from one rewritten without the key.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        var expectedPrev = AuditEntry.Genesis;
        long expectedSeq = 1, count = 0;
        long? keyedFrom = null;
        var newestAge = int.MaxValue;
        AuditVerification Broken(long at, string reason) => new(false, count, at, reason, keyedFrom);
        await foreach (var entry in store.ReadAllAsync(cancellationToken))
        {
            if (entry.Seq != expectedSeq)
            {
                return Broken(expectedSeq, $"entry {expectedSeq} is missing (next is {entry.Seq})");
            }
            if (entry.PrevHash != expectedPrev)
            {
                return Broken(entry.Seq, $"entry {entry.Seq} does not follow the entry before it");
            }
            if (AuditEntry.KeyIdOf(entry.Hash) is { } keyId)
            {
                if (!keys.TryFind(keyId, out var key, out var age))
                {
                    return Broken(entry.Seq, $"entry {entry.Seq} is keyed under secret key id {keyId}, which neither security.secret_key nor security.previous_secret_keys matches");
                }
                if (age > newestAge)
                {
                    return Broken(entry.Seq, $"entry {entry.Seq} is keyed under an older secret key than an entry before it");
                }
                if (entry.ComputeKeyedHash(keyId, key) != entry.Hash)
                {
                    return Broken(entry.Seq, $"entry {entry.Seq} was altered after it was written");
                }
                newestAge = age;
                keyedFrom ??= entry.Seq;
            }
            else if (keyedFrom is not null)
            {
                return Broken(entry.Seq, $"entry {entry.Seq} is not keyed although entries before it are: it was rewritten without the secret key");
            }
            else if (entry.ComputeHash() != entry.Hash)
            {
                return Broken(entry.Seq, $"entry {entry.Seq} was altered after it was written");
            }
            expectedPrev = entry.Hash;
            expectedSeq++;
            count++;
        }
        if (keys.HasCurrent && count > 0 && keyedFrom is null)
        {
            return Broken(count, "no entry is keyed although security.secret_key is set: either nothing was recorded since the upgrade "
                + "(any admin change or login writes a keyed entry; verify again after it) or the chain was rewritten without the secret key");
        }
        return new AuditVerification(true, count, null, null, keyedFrom);
    }
}

/// <summary>
/// Byte bounds of audit fields. A longer value is cut at a character boundary and marked, so a caller choosing a huge
/// name (a failed login needs no credentials) adds at most a few hundred bytes to a table nothing may delete from.
/// </summary>
public static class AuditFieldLimits
{
    /// <summary>Actor and target: names of users, keys, groups, channels, models.</summary>
    public const int NameBytes = 256;

    /// <summary>Role, address, action, target type and outcome.</summary>
    public const int WordBytes = 64;

    /// <summary>The changes JSON: the views of one changed entity.</summary>
    public const int ChangesBytes = 32 * 1024;

    private const int ChangesHeadBytes = 4 * 1024;

    public static string? Cap(string? value, int maxBytes)
    {
        if (value is null || Encoding.UTF8.GetMaxByteCount(value.Length) <= maxBytes)
        {
            return value;
        }
        var bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes <= maxBytes)
        {
            return value;
        }
        var marker = $"…[truncated, {bytes} bytes]";
        return Head(value, maxBytes - Encoding.UTF8.GetByteCount(marker)) + marker;
    }

    /// <summary>Oversize changes become <c>{"truncated_from_bytes":N,"head":"…"}</c>, still JSON.</summary>
    public static string? CapJson(string? json)
    {
        if (json is null || Encoding.UTF8.GetByteCount(json) is var bytes && bytes <= ChangesBytes)
        {
            return json;
        }
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(ChangesHeadBytes * 2);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("truncated_from_bytes", bytes);
            writer.WriteString("head", Head(json, ChangesHeadBytes));
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Head(string value, int maxBytes)
    {
        var length = 0;
        var used = 0;
        foreach (var rune in value.EnumerateRunes())
        {
            if (used + rune.Utf8SequenceLength > maxBytes)
            {
                break;
            }
            used += rune.Utf8SequenceLength;
            length += rune.Utf16SequenceLength;
        }
        return value[..length];
    }
}
