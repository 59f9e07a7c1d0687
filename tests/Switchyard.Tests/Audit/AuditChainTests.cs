using System.Text.Json;
using Switchyard.Audit;
using Switchyard.Configuration;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Audit;

/// <summary>The keyed chain across an upgrade from unkeyed entries and a secret rotation; bounded fields.</summary>
public sealed class AuditChainTests
{
    private const string OldSecret = "old-secret-key-0123456789abcdef-old";
    private const string NewSecret = "new-secret-key-0123456789abcdef-new";

    private static AuditLog Log(SqlDialect dialect, AuditChainKeys keys) => new(new AuditStore(dialect), TimeProvider.System, keys);

    private static Task Write(AuditLog log, string target) =>
        log.RecordAsync("boss", "super_admin", "127.0.0.1", "group.create", "group", target, null, "success", CancellationToken.None);

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task VerifyAsync_UnkeyedEntriesThenKeyedThenRotated_VerifiesWhilePreviousSecretsAreListed(DatabaseKind kind)
    {
        var dialect = await TestDatabases.CreateMigratedAsync(kind);
        await Write(Log(dialect, AuditChainKeys.None), "before-upgrade-1");
        await Write(Log(dialect, AuditChainKeys.None), "before-upgrade-2");

        // Upgraded with a secret key but nothing written yet: cannot be told from a chain rewritten without the key.
        Assert.False((await Log(dialect, new AuditChainKeys(OldSecret)).VerifyAsync(CancellationToken.None)).Ok);
        await Write(Log(dialect, new AuditChainKeys(OldSecret)), "after-upgrade");
        await Write(Log(dialect, new AuditChainKeys(NewSecret, [OldSecret])), "after-rotation");

        var rotated = await Log(dialect, new AuditChainKeys(NewSecret, [OldSecret])).VerifyAsync(CancellationToken.None);
        Assert.Equal(new AuditVerification(true, 4, null, null, 3), rotated);
        var dropped = await Log(dialect, new AuditChainKeys(NewSecret)).VerifyAsync(CancellationToken.None);
        Assert.False(dropped.Ok);
        Assert.Equal(3, dropped.BrokenAt);
        Assert.Contains("neither security.secret_key nor security.previous_secret_keys", dropped.Reason);
    }

    [Fact]
    public async Task VerifyAsync_OlderKeyAfterNewerKey_Fails()
    {
        var dialect = await TestDatabases.CreateMigratedAsync(DatabaseKind.Sqlite);
        await Write(Log(dialect, new AuditChainKeys(NewSecret)), "new");
        // Someone holding only the old, rotated-out secret appends an entry.
        await Write(Log(dialect, new AuditChainKeys(OldSecret)), "forged");

        var verification = await Log(dialect, new AuditChainKeys(NewSecret, [OldSecret])).VerifyAsync(CancellationToken.None);

        Assert.False(verification.Ok);
        Assert.Equal(2, verification.BrokenAt);
    }

    [Fact]
    public async Task RecordAsync_HugeFields_AreCutAndMarked_AndStillVerify()
    {
        var dialect = await TestDatabases.CreateMigratedAsync(DatabaseKind.Sqlite);
        var log = Log(dialect, new AuditChainKeys(NewSecret));
        var huge = new string('€', 100_000);
        var changes = JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = huge });

        var entry = await log.RecordAsync(huge, huge, huge, huge, huge, huge, changes, huge, CancellationToken.None);

        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(entry.Actor), 200, AuditFieldLimits.NameBytes);
        Assert.EndsWith("…[truncated, 300000 bytes]", entry.Actor);
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(entry.Target!), 200, AuditFieldLimits.NameBytes);
        foreach (var word in new[] { entry.ActorRole!, entry.Address!, entry.Action, entry.TargetType, entry.Outcome })
        {
            Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(word), 1, AuditFieldLimits.WordBytes);
        }
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(entry.Changes!), 1, AuditFieldLimits.ChangesBytes);
        Assert.True(JsonDocument.Parse(entry.Changes!).RootElement.GetProperty("truncated_from_bytes").GetInt32() > AuditFieldLimits.ChangesBytes);
        Assert.True((await log.VerifyAsync(CancellationToken.None)).Ok);
    }
}
