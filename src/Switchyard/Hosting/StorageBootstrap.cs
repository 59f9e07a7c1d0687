using Switchyard.Routing;
using Switchyard.SharedState;
using Switchyard.Storage;
using Switchyard.Tenancy;

namespace Switchyard.Hosting;

/// <summary>
/// Runs before the server listens: schema migrations, the config's groups, users and keys, then the first load of
/// everything the database holds (keys, users, groups, API-made channels and models) into the runtime snapshot.
/// </summary>
internal sealed class StorageBootstrap(Migrator migrator, KeyHashBootstrap keyHashing, ConfigKeySeeder seeder, TenancySeeder tenancy, StateReloader state, GatewayRuntime runtime,
    LedgerRetentionStore ledgerPartitions, TimeProvider time)
{
    public async Task<IReadOnlyList<ConfigKeySeeder.GeneratedKey>> PrepareAsync(CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken);
        // PostgreSQL: this month's partition exists before the first record arrives.
        await ledgerPartitions.EnsurePartitionsAsync(time.GetUtcNow(), cancellationToken);
        await keyHashing.PrepareAsync(cancellationToken);
        await tenancy.SeedAsync(runtime.FileConfig, cancellationToken);
        var generated = await seeder.SeedAsync(runtime.FileConfig.Keys, cancellationToken);
        await state.ChangedAsync(cancellationToken);
        return generated;
    }
}
