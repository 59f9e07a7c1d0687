using Switchyard.Routing;
using Switchyard.Storage;
using Switchyard.Tenancy;

namespace Switchyard.SharedState;

/// <summary>
/// Loads keys, users, groups, channels and models from the database into the in-memory snapshots requests read.
/// Admin writes call <see cref="ChangedAsync"/> (bump the shared version, reload here at once); every instance's
/// <see cref="StateRefresher"/> calls <see cref="PollAsync"/> and reloads when another instance moved the version.
/// </summary>
public sealed class StateReloader(GatewayRuntime runtime, StateComposer composer, KeyRing ring, StateVersion version, Security.Redactor redactor)
    : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _loaded = -1;

    public long LoadedVersion => Volatile.Read(ref _loaded);

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Read the version first: a change landing during the load moves it again, so the next poll reloads.
            var seen = await version.ReadAsync(cancellationToken);
            var effective = await composer.ComposeAsync(runtime.FileConfig, cancellationToken);
            await ring.ReloadAsync(cancellationToken);
            // Upstream keys of channels the admin API stored have no known shape: mask them as literals before use.
            redactor.Reconfigure(effective);
            runtime.Apply(effective);
            Volatile.Write(ref _loaded, seen);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <returns>True when the shared version had moved and this instance reloaded.</returns>
    public async Task<bool> PollAsync(CancellationToken cancellationToken)
    {
        if (await version.ReadAsync(cancellationToken) == LoadedVersion)
        {
            return false;
        }
        await ReloadAsync(cancellationToken);
        return true;
    }

    public void Dispose() => _gate.Dispose();

    public async Task ChangedAsync(CancellationToken cancellationToken)
    {
        await version.BumpAsync(cancellationToken);
        await ReloadAsync(cancellationToken);
    }
}
