using System.Text;
using System.Text.Json;
using Switchyard.Audit;
using Switchyard.Configuration;
using Switchyard.Security;
using Switchyard.Storage;
using Switchyard.Tenancy;

namespace Switchyard.Import;

/// <summary>
/// Writes an <see cref="ImportSet"/> into Switchyard's database through the stores, sealing and hashing the admin
/// API uses: upstream keys sealed under <c>security.secret_key</c>, client keys stored only as hashes, every creation
/// audited with the import as its actor. What exists already (by name, or a key by its hash) is left alone, so a
/// second run creates nothing; a dry run computes the same plan and writes nothing. A user whose source password
/// cannot be verified is created without one and gets a one-time reset link (<see cref="PasswordResets"/>); a user
/// already present gets none, so a second run issues no new links (an admin issues one through the admin API).
/// </summary>
public sealed class Importer(SqlDialect dialect, GatewayConfig file, SecretCipher cipher, KeyHasher hasher, AuditLog audit, TimeProvider time)
{
    public async Task<ImportPlan> RunAsync(ImportSet set, bool dryRun, CancellationToken cancellationToken)
    {
        var plan = new ImportPlan(set.Source);
        plan.Remarks.AddRange(set.Remarks);
        var groups = new GroupStore(dialect);
        var users = new UserStore(dialect);
        var resets = new PasswordResets(new PasswordResetStore(dialect), time);
        var channels = new ChannelStore(dialect);
        var models = new ModelStore(dialect);
        var keys = new KeyStore(dialect);
        var actor = "import:" + set.Source;
        var now = time.GetUtcNow();
        var changed = false;

        var knownGroups = (await groups.ListAsync(cancellationToken)).Select(g => g.Config.Name).Concat(file.Groups.Select(g => g.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var (group, notes) in set.Groups)
        {
            if (knownGroups.Contains(group.Name))
            {
                plan.Lines.Add(new PlanLine(PlanAction.Present, "group", group.Name, []));
                continue;
            }
            plan.Lines.Add(new PlanLine(PlanAction.Create, "group", Describe(group), notes));
            knownGroups.Add(group.Name);
            if (!dryRun && await groups.InsertAsync(new StoredGroup(group, KeySources.Api, now, now), cancellationToken))
            {
                await RecordAsync(actor, "group.create", "group", group.Name, cancellationToken);
                changed = true;
            }
        }

        var knownUsers = (await users.ListAsync(cancellationToken)).Select(u => u.Config.Name).Concat(file.Users.Select(u => u.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var (user, notes) in set.Users)
        {
            var name = user.Config.Name;
            if (knownUsers.Contains(name))
            {
                plan.Lines.Add(new PlanLine(PlanAction.Present, "user", name, []));
                continue;
            }
            var lineNotes = user.PasswordNote is null ? notes : [.. notes, user.PasswordNote];
            plan.Lines.Add(new PlanLine(PlanAction.Create, "user", $"{name} ({user.Config.Role} of {user.Config.Group})", lineNotes));
            knownUsers.Add(name);
            if (dryRun)
            {
                continue;
            }
            if (await users.InsertAsync(new StoredUser(user.Config, KeySources.Api, now, now), cancellationToken))
            {
                await RecordAsync(actor, "user.create", "user", name, cancellationToken);
                changed = true;
                if (user.PasswordNote is not null)
                {
                    var ticket = await resets.IssueAsync(name, file.Security.PasswordResetTtl, cancellationToken);
                    await RecordAsync(actor, "user.reset_link", "user", name, cancellationToken);
                    plan.ResetLinks.Add(ticket);
                }
            }
        }

        var knownChannels = (await channels.ListAsync(cancellationToken)).Select(c => c.Config.Name).Concat(file.Channels.Select(c => c.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var (channel, notes) in set.Channels)
        {
            if (knownChannels.Contains(channel.Name))
            {
                plan.Lines.Add(new PlanLine(PlanAction.Present, "channel", channel.Name, []));
                continue;
            }
            plan.Lines.Add(new PlanLine(PlanAction.Create, "channel", $"{channel.Name} ({channel.Type}, {channel.Keys.Count} key{(channel.Keys.Count == 1 ? "" : "s")}, {channel.BaseUrl})", notes));
            knownChannels.Add(channel.Name);
            if (!dryRun && await channels.InsertAsync(Seal(channel, now), cancellationToken))
            {
                await RecordAsync(actor, "channel.create", "channel", channel.Name, cancellationToken);
                changed = true;
            }
        }

        var knownModels = (await models.ListAsync(cancellationToken)).Select(m => m.Config.Name).Concat(file.Models.Select(m => m.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var (model, notes) in set.Models)
        {
            if (knownModels.Contains(model.Name))
            {
                plan.Lines.Add(new PlanLine(PlanAction.Present, "model", model.Name, []));
                continue;
            }
            plan.Lines.Add(new PlanLine(PlanAction.Create, "model", Describe(model), notes));
            knownModels.Add(model.Name);
            if (!dryRun)
            {
                await models.UpsertAsync(new StoredModel(model, now, now), cancellationToken);
                await RecordAsync(actor, "model.update", "model", model.Name, cancellationToken);
                changed = true;
            }
        }

        var storedKeys = await keys.ListAsync(cancellationToken);
        var keyNames = storedKeys.Select(k => k.Name).ToHashSet(StringComparer.Ordinal);
        var keyHashes = storedKeys.Select(k => k.KeyHash).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, notes) in set.Keys)
        {
            var hash = key.Secret is not null ? hasher.ForStorage(key.Secret) : KeyHasher.ImportedSha256(key.Sha256Hex!)!;
            // A key the plain-hash form of which is stored (made before hashes were keyed) is the same key too.
            var plain = key.Secret is not null ? VirtualKeySecret.HashHex(key.Secret) : key.Sha256Hex!.ToLowerInvariant();
            if (keyNames.Contains(key.Name) || keyHashes.Contains(hash) || keyHashes.Contains(plain))
            {
                plan.Lines.Add(new PlanLine(PlanAction.Present, "key", key.Name, []));
                continue;
            }
            plan.Lines.Add(new PlanLine(PlanAction.Create, "key", Describe(key), notes));
            keyNames.Add(key.Name);
            keyHashes.Add(hash);
            if (dryRun)
            {
                continue;
            }
            var stored = new VirtualKey
            {
                Id = Ids.NewKeyId(),
                Name = key.Name,
                KeyHash = hash,
                KeyHint = key.Hint,
                User = key.User,
                Group = key.Group,
                Models = key.Models,
                Limits = key.Limits,
                ExpiresAt = key.ExpiresAt,
                CreatedAt = now,
                Source = KeySources.Api,
                AllowedIps = key.AllowedIps,
            };
            if (await keys.InsertAsync(stored, cancellationToken))
            {
                await RecordAsync(actor, "key.create", "key", stored.Id, cancellationToken, key.Name);
                changed = true;
            }
        }

        foreach (var skipped in set.Skipped)
        {
            plan.Lines.Add(new PlanLine(PlanAction.Skip, skipped.Kind, skipped.Name, [skipped.Reason]));
        }
        if (changed)
        {
            // Running instances reload groups, users, keys, channels and models within a poll, no restart.
            await new StateVersion(dialect).BumpAsync(cancellationToken);
        }
        return plan;
    }

    /// <summary>Seals the upstream keys and headers exactly as the admin API stores a channel.</summary>
    private StoredChannel Seal(ChannelConfig config, DateTimeOffset now) => new(
        config with { Keys = [], Headers = new Dictionary<string, string>() },
        config.Keys.Select(k => new SealedSecret(SecretCipher.Hint(k), cipher.Seal(k, config.Name))).ToList(),
        config.Headers.Count == 0 ? null : cipher.Seal(JsonSerializer.Serialize(new Dictionary<string, string>(config.Headers), ChannelStoreJson.Default.DictionaryStringString), config.Name),
        now, now);

    /// <summary>Audited as the import (no person or address made it); the entry names where the thing came from, never a secret.</summary>
    private async Task RecordAsync(string actor, string action, string targetType, string target, CancellationToken cancellationToken, string? name = null)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("imported_from", actor["import:".Length..]);
            if (name is not null)
            {
                writer.WriteString("name", name);
            }
            writer.WriteEndObject();
        }
        await audit.RecordAsync(actor, Roles.SuperAdmin, null, action, targetType, target, Encoding.UTF8.GetString(buffer.WrittenSpan), "success", cancellationToken);
    }

    private static string Describe(GroupConfig group) =>
        group.PriceMultiplier == 1m ? group.Name : $"{group.Name} (price multiplier {group.PriceMultiplier.ToString(System.Globalization.CultureInfo.InvariantCulture)})";

    private static string Describe(ModelConfig model)
    {
        var parts = new List<string>();
        if (model.Price is { } p)
        {
            parts.Add(p.PerRequest is { } perRequest && p.Input == 0 && p.Output == 0
                ? $"${Money(perRequest)} per request"
                : $"${Money(p.Input)} in / ${Money(p.Output)} out per 1M tokens" + (p.CachedInput is { } cached ? $", ${Money(cached)} cached" : ""));
        }
        if (model.Aliases.Count > 0)
        {
            parts.Add("aliases " + string.Join(", ", model.Aliases));
        }
        if (model.Fallbacks.Count > 0)
        {
            parts.Add("fallbacks " + string.Join(", ", model.Fallbacks));
        }
        return parts.Count == 0 ? model.Name : $"{model.Name} ({string.Join("; ", parts)})";
    }

    private static string Describe(ImportedKey key) =>
        $"{key.Name} (group {key.Group}{(key.User is null ? "" : ", user " + key.User)}{(key.Limits?.UsdTotal is { } budget ? ", $" + Money(budget) + " left" : "")}"
        + $"{(key.Secret is null ? ", matched by its SHA-256" : "")})";

    private static string Money(decimal value) => value.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture);
}
