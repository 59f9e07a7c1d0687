using Switchyard.Storage;

namespace Switchyard.Audit;

/// <summary>Records admin changes and logins: who, when, from which address, what changed (views only: secrets never reach it).</summary>
public sealed class AuditLog(AuditStore store, TimeProvider time)
{
    public Task<AuditEntry> RecordAsync(string actor, string? role, string? address, string action, string targetType, string? target,
        string? changes, string outcome, CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow();
        // Stored at millisecond precision, so hash what is stored.
        at = DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());
        return store.AppendAsync((seq, prev) => new AuditEntry
        {
            Seq = seq,
            At = at,
            Actor = actor,
            ActorRole = role,
            Address = address,
            Action = action,
            TargetType = targetType,
            Target = target,
            Outcome = outcome,
            Changes = changes,
            PrevHash = prev,
        }, cancellationToken);
    }

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        var expectedPrev = AuditEntry.Genesis;
        long expectedSeq = 1, count = 0;
        await foreach (var entry in store.ReadAllAsync(cancellationToken))
        {
            if (entry.Seq != expectedSeq)
            {
                return new AuditVerification(false, count, expectedSeq, $"entry {expectedSeq} is missing (next is {entry.Seq})");
            }
            if (entry.PrevHash != expectedPrev)
            {
                return new AuditVerification(false, count, entry.Seq, $"entry {entry.Seq} does not follow the entry before it");
            }
            if (entry.ComputeHash() != entry.Hash)
            {
                return new AuditVerification(false, count, entry.Seq, $"entry {entry.Seq} was altered after it was written");
            }
            expectedPrev = entry.Hash;
            expectedSeq++;
            count++;
        }
        return new AuditVerification(true, count, null, null);
    }
}
