using Switchyard.Storage;
using Switchyard.Tenancy;

namespace Switchyard.Hosting;

/// <summary>Runs before the server listens: schema migrations, the config's keys, the first key-ring load.</summary>
public sealed class StorageBootstrap(Migrator migrator, ConfigKeySeeder seeder, KeyRing ring, GatewayRuntime runtime,
    LedgerRetentionStore ledgerPartitions, TimeProvider time)
{
    public async Task<IReadOnlyList<ConfigKeySeeder.GeneratedKey>> PrepareAsync(CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken);
        // PostgreSQL: this month's partition exists before the first record arrives.
        await ledgerPartitions.EnsurePartitionsAsync(time.GetUtcNow(), cancellationToken);
        var generated = await seeder.SeedAsync(runtime.Config.Keys, cancellationToken);
        await ring.ReloadAsync(cancellationToken);
        return generated;
    }
}
