using Switchyard.Audit;
using Switchyard.Configuration;
using Switchyard.Security;
using Switchyard.Storage;

namespace Switchyard.Hosting;

/// <summary>
/// Commands run against the database instead of serving: <c>reencrypt</c> moves every sealed upstream secret to
/// the current <c>security.secret_key</c>; <c>verify-audit</c> walks the audit log's hash chain.
/// </summary>
internal static class MaintenanceCommands
{
    public static async Task<int> RunAsync(string command, string? configPath)
    {
        GatewayConfig config;
        try
        {
            config = configPath is null ? ConfigValidator.Validate(new GatewayConfig()) : ConfigLoader.LoadFile(configPath);
        }
        catch (ConfigException e)
        {
            foreach (var problem in e.Problems)
            {
                await Console.Error.WriteLineAsync(problem);
            }
            return Cli.ConfigErrorExitCode;
        }
        DatabaseLocation.TryParse(config.Storage.Database, out var location, out _);
        var dialect = SqlDialect.For(location!);
        await new Migrator(dialect, TimeProvider.System).MigrateAsync(CancellationToken.None);
        if (command == "reencrypt")
        {
            var cipher = new SecretCipher(config.Security.SecretKey, config.Security.PreviousSecretKeys);
            if (!cipher.CanSeal)
            {
                await Console.Error.WriteLineAsync("error: security.secret_key is not set");
                return Cli.ConfigErrorExitCode;
            }
            var (channels, secrets) = await ReencryptAsync(dialect, cipher, TimeProvider.System, CancellationToken.None);
            Console.WriteLine($"Re-encrypted {secrets} secrets of {channels} channels under secret key id {cipher.CurrentKeyId}.");
            return 0;
        }
        var keys = new AuditChainKeys(config.Security.SecretKey, config.Security.PreviousSecretKeys);
        var verification = await new AuditLog(new AuditStore(dialect), TimeProvider.System, keys).VerifyAsync(CancellationToken.None);
        Console.WriteLine(verification.Ok
            ? $"Audit log intact: {verification.Entries} entries{KeyedText(verification)}."
            : $"Audit log BROKEN at entry {verification.BrokenAt}: {verification.Reason} ({verification.Entries} entries verified before it).");
        return verification.Ok ? 0 : 1;
    }

    private static string KeyedText(AuditVerification verification) => verification.KeyedFrom switch
    {
        null => ", none keyed (no security.secret_key was set when they were written)",
        1 => ", all keyed",
        var first => $", keyed from entry {first} on (entries before it were written without a secret key and are not protected against a database writer)",
    };

    /// <summary>Re-seals every stored secret not yet under the current key; bumps the state version so instances reload.</summary>
    /// <returns>Channels rewritten and secrets re-sealed.</returns>
    public static async Task<(int Channels, int Secrets)> ReencryptAsync(SqlDialect dialect, SecretCipher cipher, TimeProvider time, CancellationToken cancellationToken)
    {
        var store = new ChannelStore(dialect);
        int channels = 0, secrets = 0;
        foreach (var channel in await store.ListAsync(cancellationToken))
        {
            var name = channel.Config.Name;
            var stale = channel.Keys.Count(k => !cipher.IsSealedUnderCurrent(k.Sealed))
                + (channel.SealedHeaders is { } h && !cipher.IsSealedUnderCurrent(h) ? 1 : 0);
            if (stale == 0)
            {
                continue;
            }
            var keys = channel.Keys.Select(k => cipher.IsSealedUnderCurrent(k.Sealed) ? k : k with { Sealed = cipher.Seal(cipher.Open(k.Sealed, name), name) }).ToList();
            var headers = channel.SealedHeaders is { } sealedHeaders && !cipher.IsSealedUnderCurrent(sealedHeaders)
                ? cipher.Seal(cipher.Open(sealedHeaders, name), name)
                : channel.SealedHeaders;
            await store.UpdateAsync(channel with { Keys = keys, SealedHeaders = headers, UpdatedAt = time.GetUtcNow() }, cancellationToken);
            channels++;
            secrets += stale;
        }
        if (await Tenancy.KeyHashBootstrap.ReencryptAsync(new GatewaySecretStore(dialect), cipher, cancellationToken))
        {
            secrets++;
        }
        await new StateVersion(dialect).BumpAsync(cancellationToken);
        return (channels, secrets);
    }
}
