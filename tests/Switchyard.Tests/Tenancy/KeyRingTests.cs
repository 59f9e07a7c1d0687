using Switchyard.Configuration;
using Switchyard.Storage;
using Switchyard.Tenancy;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Tenancy;

public sealed class KeyRingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static VirtualKey Key(string name, string secret, DateTimeOffset? expires = null) => new()
    {
        Id = Ids.NewKeyId(),
        Name = name,
        KeyHash = VirtualKeySecret.HashHex(secret),
        KeyHint = VirtualKeySecret.Hint(secret),
        Group = "team",
        ExpiresAt = expires,
        CreatedAt = Now,
        Source = KeySources.Api,
    };

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task Authenticate_ChecksKnownRevokedAndExpiredKeys(DatabaseKind kind)
    {
        var store = new KeyStore(await TestDatabases.CreateMigratedAsync(kind));
        var time = new ManualTimeProvider(Now);
        var ring = new KeyRing(store, time);
        var live = Key("live", "sk-sy-live-secret-0123456789");
        var revoked = Key("revoked", "sk-sy-revoked-secret-0123456789");
        await store.InsertAsync(live, default);
        await store.InsertAsync(revoked, default);
        await store.InsertAsync(Key("expiring", "sk-sy-expiring-secret-0123456789", Now.AddMinutes(5)), default);
        await store.RevokeAsync(revoked.Id, Now, default);
        await ring.ReloadAsync(default);

        Assert.Equal(KeyCheck.Valid, ring.Authenticate("sk-sy-live-secret-0123456789", out var found));
        Assert.Equal(live.Id, found!.Id);
        Assert.Equal(KeyCheck.Unknown, ring.Authenticate("sk-sy-live-secret-012345678X", out _));
        Assert.Equal(KeyCheck.Missing, ring.Authenticate("", out _));
        Assert.Equal(KeyCheck.Revoked, ring.Authenticate("sk-sy-revoked-secret-0123456789", out _));
        Assert.Equal(KeyCheck.Valid, ring.Authenticate("sk-sy-expiring-secret-0123456789", out _));
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(KeyCheck.Expired, ring.Authenticate("sk-sy-expiring-secret-0123456789", out _));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task Authenticate_KeyImportedBySha256Only_MatchesWithAndWithoutPepper(DatabaseKind kind)
    {
        // A LiteLLM virtual key arrives as sha256(secret) hex only; the secret itself is never seen by the import.
        const string secret = "sk-litellm-imported-0123456789";
        var store = new KeyStore(await TestDatabases.CreateMigratedAsync(kind));
        await store.InsertAsync(Key("imported", "unused") with { KeyHash = "sha256:" + VirtualKeySecret.HashHex(secret) }, default);
        var keyed = new KeyHasher();
        keyed.UsePepper(new byte[32]);
        foreach (var ring in new[] { new KeyRing(store, new ManualTimeProvider(Now)), new KeyRing(store, new ManualTimeProvider(Now), keyed) })
        {
            await ring.ReloadAsync(default);

            Assert.Equal(KeyCheck.Valid, ring.Authenticate(secret, out var found));
            Assert.Equal("imported", found!.Name);
            Assert.Equal(KeyCheck.Unknown, ring.Authenticate(VirtualKeySecret.HashHex(secret), out _));
            Assert.Equal(KeyCheck.Unknown, ring.Authenticate(secret + "x", out _));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task KeyStore_StoresOnlyTheHash(DatabaseKind kind)
    {
        var dialect = await TestDatabases.CreateMigratedAsync(kind);
        var store = new KeyStore(dialect);
        const string secret = "sk-sy-never-stored-in-clear-0123456789";
        await store.InsertAsync(Key("k", secret), default);

        await using var connection = await dialect.OpenAsync(default);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM virtual_keys";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        for (var i = 0; i < reader.FieldCount; i++)
        {
            Assert.DoesNotContain(secret, Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task Seeder_GeneratesOnceThenKeepsTheKey(DatabaseKind kind)
    {
        var store = new KeyStore(await TestDatabases.CreateMigratedAsync(kind));
        var seeder = new ConfigKeySeeder(store, new ManualTimeProvider(Now));
        var config = new Switchyard.Configuration.KeyConfig { Name = "app", Group = "team" };

        var first = await seeder.SeedAsync([config], default);
        var second = await seeder.SeedAsync([config with { Models = ["gpt-4o"] }], default);

        var generated = Assert.Single(first);
        Assert.Empty(second);
        var stored = await store.FindByNameAsync("app", default);
        Assert.Equal(VirtualKeySecret.HashHex(generated.Secret), stored!.KeyHash);
        Assert.Equal(["gpt-4o"], stored.Models);
    }
}
