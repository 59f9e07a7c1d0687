using Switchyard.Audit;
using Switchyard.Configuration;
using Switchyard.Import;
using Switchyard.Security;
using Switchyard.Storage;
using Switchyard.Tenancy;

namespace Switchyard.Hosting;

/// <summary>
/// <c>switchyard import new-api|litellm</c>: reads the other gateway (never writing to it), prints the plan, and unless
/// <c>--dry-run</c> writes it into the database of Switchyard's own config. See docs/migrate.md.
/// </summary>
internal static class ImportCommand
{
    public static async Task<int> RunAsync(CommandLine command, Func<string, string?> environment, Func<string, bool> exists,
        TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        var ownConfigPath = command.ResolveConfigPath(environment, exists);
        var from = command.From;
        if (command.ImportSource == "litellm" && from is null)
        {
            // `import litellm --config litellm_config.yaml`: the LiteLLM file given where Switchyard's own usually goes.
            if (command.ConfigPath is { } given && exists(given) && await HoldsModelListAsync(given, cancellationToken))
            {
                from = given;
                ownConfigPath = (command with { ConfigPath = null }).ResolveConfigPath(environment, exists);
            }
            else
            {
                await errors.WriteLineAsync("error: import litellm needs --from LITELLM_CONFIG.yaml");
                return Cli.ConfigErrorExitCode;
            }
        }
        GatewayConfig config;
        try
        {
            config = ownConfigPath is null ? ConfigValidator.Validate(new GatewayConfig()) : ConfigLoader.LoadFile(ownConfigPath);
        }
        catch (ConfigException e)
        {
            foreach (var problem in e.Problems)
            {
                await errors.WriteLineAsync(problem);
            }
            return Cli.ConfigErrorExitCode;
        }
        var time = TimeProvider.System;
        ImportSet set;
        try
        {
            set = await ReadSourceAsync(command, from!, environment, time.GetUtcNow(), cancellationToken);
        }
        catch (ImportException e)
        {
            await errors.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
        catch (IOException e)
        {
            await errors.WriteLineAsync($"error: {from} cannot be read: {e.Message}");
            return 1;
        }
        catch (System.Data.Common.DbException e)
        {
            await errors.WriteLineAsync($"error: the source database could not be read: {e.Message}");
            return 1;
        }

        var cipher = new SecretCipher(config.Security.SecretKey, config.Security.PreviousSecretKeys);
        if (!cipher.CanSeal && set.Channels.Any(c => c.Value.Keys.Count > 0 || c.Value.Headers.Count > 0))
        {
            await errors.WriteLineAsync("error: security.secret_key is not set: imported upstream keys are stored sealed under it, as the admin API stores them.");
            return Cli.ConfigErrorExitCode;
        }
        DatabaseLocation.TryParse(config.Storage.Database, out var location, out _);
        var dialect = SqlDialect.For(location!);
        await new Migrator(dialect, time).MigrateAsync(cancellationToken);
        var hasher = new KeyHasher();
        try
        {
            await new KeyHashBootstrap(new GatewaySecretStore(dialect), cipher, hasher, time).PrepareAsync(cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            await errors.WriteLineAsync($"error: {e.Message}");
            return Cli.ConfigErrorExitCode;
        }
        var audit = new AuditLog(new AuditStore(dialect), time, new AuditChainKeys(config.Security.SecretKey, config.Security.PreviousSecretKeys));
        var importer = new Importer(dialect, config, cipher, hasher, audit, time);
        await output.WriteLineAsync(command.DryRun
            ? $"Dry run of the {set.Source} import: nothing is written, here or in the source."
            : $"Importing from {set.Source} (the source is only read):");
        var plan = await importer.RunAsync(set, command.DryRun, cancellationToken);
        await output.WriteAsync(plan.Render());
        if (plan.ResetLinks.Count > 0)
        {
            await PrintResetLinksAsync(plan.ResetLinks, command.PublicUrl ?? config.Server.PublicUrl, output);
        }
        return 0;
    }

    /// <summary>Each link once, with its expiry; without a public address, the path and what to put before it.</summary>
    private static async Task PrintResetLinksAsync(IReadOnlyList<PasswordResetTicket> links, string? publicUrl, TextWriter output)
    {
        await output.WriteLineAsync();
        await output.WriteLineAsync("Password reset links (shown only now; hand each to its user, who opens it and sets a password; each works once):");
        foreach (var link in links)
        {
            var expires = link.ExpiresAt.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
            await output.WriteLineAsync($"  {link.User}: {(publicUrl is null ? link.Path : link.LinkUnder(PublicUrls.Origin(publicUrl)))} (expires {expires})");
        }
        if (publicUrl is null)
        {
            await output.WriteLineAsync("Put the gateway's public address before each path (e.g. https://gateway.example.com/ui/#/reset?token=…), "
                + "or run with --public-url URL or set server.public_url to have whole links printed. A new link: POST /admin/users/{name}/reset-link or the console's Users page.");
        }
    }

    private static async Task<ImportSet> ReadSourceAsync(CommandLine command, string from, Func<string, string?> environment, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (command.ImportSource == "new-api")
        {
            await using var source = await SourceDatabase.OpenAsync(from, cancellationToken);
            return await NewApiSource.ReadAsync(source, now, cancellationToken);
        }
        if (!File.Exists(from))
        {
            throw new ImportException($"--from: no LiteLLM config at '{from}'.");
        }
        var set = LiteLlmSource.ReadConfig(await File.ReadAllTextAsync(from, cancellationToken), environment);
        if (command.Database is { } database)
        {
            await using var source = await SourceDatabase.OpenAsync(database, cancellationToken);
            await LiteLlmSource.ReadDatabaseAsync(source, set, now, cancellationToken);
        }
        return set;
    }

    private static async Task<bool> HoldsModelListAsync(string path, CancellationToken cancellationToken)
    {
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            if (line.StartsWith("model_list:", StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
