using Switchyard.Configuration;
using Switchyard.Hosting;
using Switchyard.Security;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Security;

/// <summary>Rotating security.secret_key: stored secrets move to the new key and open without the old one.</summary>
public sealed class ReencryptTests
{
    private const string OldSecret = "old-secret-key-0123456789abcdef-old";
    private const string NewSecret = "new-secret-key-0123456789abcdef-new";

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task Reencrypt_MovesEverySecretToTheCurrentKey(DatabaseKind kind)
    {
        var dialect = await TestDatabases.CreateMigratedAsync(kind);
        var store = new ChannelStore(dialect);
        var old = new SecretCipher(OldSecret);
        var now = DateTimeOffset.UtcNow;
        await store.InsertAsync(new StoredChannel(
            new ChannelConfig { Name = "c1", Type = "openai", BaseUrl = "http://127.0.0.1:1/v1", Models = ["m"] },
            [new SealedSecret("sk-…0001", old.Seal("sk-upstream-one-0001", "c1")), new SealedSecret("sk-…0002", old.Seal("sk-upstream-two-0002", "c1"))],
            old.Seal("""{"x-extra":"header-value"}""", "c1"), now, now), CancellationToken.None);
        var versionBefore = await new StateVersion(dialect).ReadAsync(CancellationToken.None);

        var rotating = new SecretCipher(NewSecret, [OldSecret]);
        var (channels, secrets) = await MaintenanceCommands.ReencryptAsync(dialect, rotating, TimeProvider.System, CancellationToken.None);
        var again = await MaintenanceCommands.ReencryptAsync(dialect, rotating, TimeProvider.System, CancellationToken.None);

        Assert.Equal((1, 3), (channels, secrets));
        Assert.Equal((0, 0), again);
        var stored = Assert.Single(await store.ListAsync(CancellationToken.None));
        var fresh = new SecretCipher(NewSecret);
        Assert.Equal(["sk-upstream-one-0001", "sk-upstream-two-0002"], stored.Keys.Select(k => fresh.Open(k.Sealed, "c1")));
        Assert.Equal("""{"x-extra":"header-value"}""", fresh.Open(stored.SealedHeaders!, "c1"));
        Assert.Equal(["sk-…0001", "sk-…0002"], stored.Keys.Select(k => k.Hint));
        Assert.True(await new StateVersion(dialect).ReadAsync(CancellationToken.None) > versionBefore);
    }
}
