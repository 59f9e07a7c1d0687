using Switchyard.Configuration;
using Switchyard.Storage;

namespace Switchyard.Tenancy;

/// <summary>Creates or updates the keys the config declares. A key without a fixed secret is generated once and reported.</summary>
public sealed class ConfigKeySeeder(KeyStore store, TimeProvider time, KeyHasher? hasher = null)
{
    private readonly KeyHasher _hasher = hasher ?? new KeyHasher();

    public sealed record GeneratedKey(string Name, string Secret);

    public async Task<IReadOnlyList<GeneratedKey>> SeedAsync(IReadOnlyList<KeyConfig> keys, CancellationToken cancellationToken)
    {
        var generated = new List<GeneratedKey>();
        foreach (var config in keys)
        {
            var existing = await store.FindByNameAsync(config.Name, cancellationToken);
            string? secret = config.Secret;
            if (existing is null)
            {
                if (secret is null)
                {
                    secret = VirtualKeySecret.Generate();
                    generated.Add(new GeneratedKey(config.Name, secret));
                }
                await store.InsertAsync(FromConfig(config, Ids.NewKeyId(), secret, time.GetUtcNow(), null), cancellationToken);
                continue;
            }
            var updated = FromConfig(config, existing.Id, secret, existing.CreatedAt, existing.RevokedAt) with
            {
                KeyHash = secret is null ? existing.KeyHash : _hasher.ForStorage(secret),
                KeyHint = secret is null ? existing.KeyHint : VirtualKeySecret.Hint(secret),
            };
            await store.UpdateAsync(updated, cancellationToken);
        }
        return generated;
    }

    private VirtualKey FromConfig(KeyConfig config, string id, string? secret, DateTimeOffset createdAt, DateTimeOffset? revokedAt) => new()
    {
        Id = id,
        Name = config.Name,
        KeyHash = secret is null ? "" : _hasher.ForStorage(secret),
        KeyHint = secret is null ? "" : VirtualKeySecret.Hint(secret),
        User = config.User,
        Group = config.Group,
        Models = config.Models,
        Limits = config.Limits,
        ExpiresAt = config.ExpiresAt,
        RevokedAt = revokedAt,
        CreatedAt = createdAt,
        Source = KeySources.Config,
    };
}
