using Switchyard.Configuration;
using Switchyard.Storage;
using Switchyard.Tenancy;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Tenancy;

public sealed class KeyHasherTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static VirtualKey Key(string name, string hash) => new()
    {
        Id = Ids.NewKeyId(),
        Name = name,
        KeyHash = hash,
        KeyHint = "sk-sy-…",
        Group = "team",
        CreatedAt = Now,
        Source = KeySources.Api,
    };

    [Fact]
    public void Keyed_DependsOnThePepper_AndDiffersFromPlain()
    {
        var first = new KeyHasher();
        first.UsePepper(new byte[32]);
        var second = new KeyHasher();
        second.UsePepper(Enumerable.Repeat((byte)1, 32).ToArray());

        var hash = first.ForStorage("sk-sy-secret-0123456789");

        Assert.StartsWith(KeyHasher.KeyedPrefix, hash);
        Assert.Equal(KeyHasher.KeyedPrefix.Length + (VirtualKeySecret.HashBytes * 2), hash.Length);
        Assert.NotEqual(hash, second.ForStorage("sk-sy-secret-0123456789"));
        Assert.DoesNotContain(VirtualKeySecret.HashHex("sk-sy-secret-0123456789"), hash);
        Assert.Equal(VirtualKeySecret.HashHex("sk-sy-secret-0123456789"), new KeyHasher().ForStorage("sk-sy-secret-0123456789"));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task Ring_FindsKeyedKeys_AndKeysStoredBeforeHashingWasKeyed(DatabaseKind kind)
    {
        var store = new KeyStore(await TestDatabases.CreateMigratedAsync(kind));
        var hasher = new KeyHasher();
        hasher.UsePepper(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await store.InsertAsync(Key("keyed", hasher.ForStorage("sk-sy-keyed-secret-000001")), CancellationToken.None);
        await store.InsertAsync(Key("plain", VirtualKeySecret.HashHex("sk-sy-plain-secret-000002")), CancellationToken.None);
        var ring = new KeyRing(store, new ManualTimeProvider(Now), hasher);
        await ring.ReloadAsync(CancellationToken.None);

        Assert.Equal(KeyCheck.Valid, ring.Authenticate("sk-sy-keyed-secret-000001", out var keyed));
        Assert.Equal("keyed", keyed!.Name);
        Assert.Equal(KeyCheck.Valid, ring.Authenticate("sk-sy-plain-secret-000002", out var plain));
        Assert.Equal("plain", plain!.Name);
        Assert.Equal(KeyCheck.Unknown, ring.Authenticate("sk-sy-keyed-secret-000003", out _));
        // Without the pepper the keyed key is unknown: the stored hash alone does not identify it.
        var unpeppered = new KeyRing(store, new ManualTimeProvider(Now));
        await unpeppered.ReloadAsync(CancellationToken.None);
        Assert.Equal(KeyCheck.Unknown, unpeppered.Authenticate("sk-sy-keyed-secret-000001", out _));
    }
}
