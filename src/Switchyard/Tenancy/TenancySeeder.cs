using Microsoft.AspNetCore.Identity;
using Switchyard.Configuration;
using Switchyard.Storage;

namespace Switchyard.Tenancy;

/// <summary>
/// Creates or updates the groups and users the config file declares; those made through the admin API are left alone.
/// A user's password from the file replaces the stored hash only when it no longer verifies against it.
/// </summary>
public sealed class TenancySeeder(GroupStore groups, UserStore users, PasswordHasher<string> hasher, TimeProvider time)
{
    public async Task SeedAsync(GatewayConfig config, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var group in config.Groups)
        {
            var existing = await groups.FindAsync(group.Name, cancellationToken);
            if (existing is null)
            {
                await groups.InsertAsync(new StoredGroup(group, KeySources.Config, now, now), cancellationToken);
            }
            else if (existing.Config != group || existing.Source != KeySources.Config)
            {
                // The file speaks for the super admin: its settings become the group's ceiling again.
                await groups.UpdateAsync(existing with { Config = group, Source = KeySources.Config, UpdatedAt = now, Ceiling = null }, cancellationToken);
            }
        }
        foreach (var user in config.Users)
        {
            var settings = user with { Password = null };
            var existing = await users.FindAsync(user.Name, cancellationToken);
            if (existing is null)
            {
                await users.InsertAsync(new StoredUser(settings, KeySources.Config, now, now)
                {
                    PasswordHash = user.Password is null ? null : hasher.HashPassword(user.Name, user.Password),
                }, cancellationToken);
                continue;
            }
            var hash = existing.PasswordHash;
            if (user.Password is not null && (hash is null || hasher.VerifyHashedPassword(user.Name, hash, user.Password) == PasswordVerificationResult.Failed))
            {
                hash = hasher.HashPassword(user.Name, user.Password);
            }
            if (existing.Config != settings || existing.Source != KeySources.Config || hash != existing.PasswordHash)
            {
                await users.UpdateAsync(existing with { Config = settings, Source = KeySources.Config, PasswordHash = hash, UpdatedAt = now }, cancellationToken);
            }
        }
    }
}
