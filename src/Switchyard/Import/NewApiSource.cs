using System.Globalization;
using System.Net;
using System.Text.Json;
using Switchyard.Configuration;
using Switchyard.Tenancy;

namespace Switchyard.Import;

/// <summary>
/// Reads a new-api (QuantumNous/new-api) or one-api (songquanpeng/one-api) database: channels, tokens, users, groups
/// and the price ratios in its <c>options</c> table. one-api is told apart by its tokens table, which lacks new-api's
/// <c>model_limits_enabled</c>. Money there is counted in quota: <c>QuotaPerUnit</c> (default 500 000) quota = $1, and a
/// request costs (prompt + completion × completion ratio) × model ratio × group ratio quota, so a model ratio of 1 is
/// $0.002 per 1K tokens.
/// </summary>
public static class NewApiSource
{
    public const decimal DefaultQuotaPerUnit = 500_000m;

    private const int RoleAdmin = 10;
    private const int RoleRoot = 100;

    public static async Task<ImportSet> ReadAsync(SourceDatabase source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tokenColumns = await source.ColumnsAsync("tokens", cancellationToken);
        if (tokenColumns.Count == 0 || (await source.ColumnsAsync("channels", cancellationToken)).Count == 0)
        {
            throw new ImportException("--from: this database has no 'channels' and 'tokens' tables; it is not a new-api or one-api database.");
        }
        var oneApi = !tokenColumns.Contains("model_limits_enabled");
        var set = new ImportSet(oneApi ? "one-api" : "new-api");
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in await source.RowsAsync("options", cancellationToken))
        {
            if (row.String("key") is { } key)
            {
                options[key] = row.String("value") ?? "";
            }
        }
        var unit = options.TryGetValue("QuotaPerUnit", out var unitText) && decimal.TryParse(unitText, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsedUnit) && parsedUnit > 0
            ? parsedUnit
            : DefaultQuotaPerUnit;
        set.Remarks.Add($"quota unit: {unit.ToString(CultureInfo.InvariantCulture)} quota = $1 (QuotaPerUnit); a model ratio of 1 is ${Usd(1_000_000m / unit)} per 1M input tokens");
        var groupRatios = Ratios(options, "GroupRatio");

        var users = new Dictionary<long, UserConfig>();
        foreach (var row in await source.RowsAsync("users", cancellationToken))
        {
            ReadUser(row, unit, set, users);
        }
        foreach (var row in await source.RowsAsync("tokens", cancellationToken))
        {
            ReadToken(row, oneApi, unit, now, set, users);
        }
        var requested = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var row in await source.RowsAsync("channels", cancellationToken))
        {
            ReadChannel(row, oneApi, set, requested);
        }
        ReadPrices(options, unit, requested, set);

        // Every group anything refers to, each with its ratio as the price multiplier.
        var named = groupRatios.Keys
            .Concat(set.Users.Select(u => u.Value.Config.Group))
            .Concat(set.Keys.Select(k => k.Value.Group))
            .Concat(set.Channels.SelectMany(c => c.Value.Groups))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (var group in named)
        {
            set.EnsureGroup(group, groupRatios.GetValueOrDefault(group, 1m));
        }
        set.Groups.Sort((a, b) => string.CompareOrdinal(a.Value.Name, b.Value.Name));
        if (options.TryGetValue("GroupGroupRatio", out var special) && special.Trim() is { Length: > 2 })
        {
            set.Remarks.Add("GroupGroupRatio (a ratio for one user group using another group's tokens) has no Switchyard equivalent: the token group's multiplier applies");
        }
        return set;
    }

    private static void ReadUser(SourceRow row, decimal unit, ImportSet set, Dictionary<long, UserConfig> users)
    {
        var name = row.String("username") ?? $"user-{row.Long("id")}";
        if (row.Has("deleted_at"))
        {
            set.Skip("user", name, "deleted in the source");
            return;
        }
        if (row.Long("status") is { } status && status != 1)
        {
            set.Skip("user", name, "disabled in the source; Switchyard users have no disabled state, so the user and its tokens are left out");
            return;
        }
        var group = NonEmpty(row.String("group")) ?? "default";
        var role = row.Long("role") switch
        {
            >= RoleRoot => Roles.SuperAdmin,
            >= RoleAdmin => Roles.GroupAdmin,
            _ => Roles.User,
        };
        var notes = new List<string>();
        if (role == Roles.GroupAdmin)
        {
            notes.Add($"a new-api admin manages every user; as a group admin it manages only group '{group}'");
        }
        var quota = row.Long("quota") ?? 0;
        var config = new UserConfig { Name = name, Group = group, Role = role, Limits = new LimitsConfig { UsdTotal = Usd(quota, unit) } };
        notes.Add($"its remaining balance ({quota} quota) becomes a usd_total limit of ${Usd(quota, unit)} counted from the import on");
        var passwordNote = NonEmpty(row.String("password")) is null ? null
            : "its password is stored as a bcrypt hash, which Switchyard's logins (PBKDF2) cannot verify: a real run prints a one-time password reset link for the admin to hand over";
        users[row.Long("id") ?? 0] = config;
        set.Users.Add(new Imported<ImportedUser>(new ImportedUser(config, passwordNote), notes));
    }

    private static void ReadToken(SourceRow row, bool oneApi, decimal unit, DateTimeOffset now, ImportSet set, Dictionary<long, UserConfig> users)
    {
        var id = row.Long("id") ?? 0;
        var tokenName = NonEmpty(row.String("name")) ?? "token";
        var name = $"{tokenName} ({set.Source} token {id})";
        if (name.Length > 128)
        {
            name = name[^128..];
        }
        if (row.Has("deleted_at"))
        {
            set.Skip("key", name, "deleted in the source");
            return;
        }
        var status = row.Long("status") ?? 1;
        if (status != 1)
        {
            set.Skip("key", name, status switch
            {
                2 => "disabled in the source",
                3 => "expired in the source",
                4 => "its quota is used up in the source",
                _ => $"status {status} in the source",
            });
            return;
        }
        if (row.Long("expired_time") is { } expires and not -1 && DateTimeOffset.FromUnixTimeSeconds(expires) <= now)
        {
            set.Skip("key", name, "expired in the source");
            return;
        }
        if (!users.TryGetValue(row.Long("user_id") ?? 0, out var owner))
        {
            set.Skip("key", name, $"its owner (user #{row.Long("user_id")}) is not imported");
            return;
        }
        var key = NonEmpty(row.String("key"));
        if (key is null)
        {
            set.Skip("key", name, "it has no key");
            return;
        }
        var notes = new List<string>();
        var group = NonEmpty(row.String("group")) ?? owner.Group;
        if (group == "auto")
        {
            notes.Add($"the 'auto' group (any group its owner may use) becomes the owner's group '{owner.Group}'");
            group = owner.Group;
        }
        string? user = owner.Name;
        if (group != owner.Group)
        {
            notes.Add($"its owner '{owner.Name}' is in group '{owner.Group}', so the key keeps group '{group}' with no owner");
            user = null;
        }
        var models = oneApi
            ? Split(row.String("models"), ',')
            : row.Bool("model_limits_enabled") ? Split(row.String("model_limits"), ',') : [];
        LimitsConfig? limits = null;
        if (!row.Bool("unlimited_quota"))
        {
            var remain = row.Long("remain_quota") ?? 0;
            limits = new LimitsConfig { UsdTotal = Usd(remain, unit) };
            notes.Add($"its remaining {remain} quota becomes a usd_total limit of ${Usd(remain, unit)} counted from the import on");
        }
        var ips = new List<string>();
        var ipText = oneApi ? row.String("subnet") : row.String("allow_ips");
        foreach (var entry in Split(ipText?.Replace('\n', ','), ','))
        {
            if (IPNetwork.TryParse(entry, out _))
            {
                ips.Add(entry);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                ips.Add($"{entry}/{(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)}");
            }
            else
            {
                notes.Add($"allowed address '{entry}' is neither an address nor a CIDR range and is left out");
            }
        }
        // new-api and one-api clients send "sk-" + the stored key (their consoles show it so); that whole string is the secret.
        var secret = "sk-" + key;
        set.Keys.Add(new Imported<ImportedKey>(new ImportedKey
        {
            Name = name,
            Secret = secret,
            Hint = VirtualKeySecret.Hint(secret),
            User = user,
            Group = group,
            Models = models,
            Limits = limits,
            ExpiresAt = row.Long("expired_time") is { } e and not -1 ? DateTimeOffset.FromUnixTimeSeconds(e) : null,
            AllowedIps = ips,
        }, notes));
    }

    private static void ReadChannel(SourceRow row, bool oneApi, ImportSet set, SortedSet<string> requested)
    {
        var id = row.Long("id") ?? 0;
        var name = Slug(NonEmpty(row.String("name")) ?? "channel", id);
        var type = (int)(row.Long("type") ?? 0);
        var mapping = NewApiChannelTypes.Find(type, oneApi);
        if (mapping is null)
        {
            set.Skip("channel", name, $"type {type} ({NewApiChannelTypes.NameOf(type, oneApi)}) has no Switchyard channel type");
            return;
        }
        if (row.Long("status") is { } status && status != 1)
        {
            set.Skip("channel", name, $"disabled in the source (status {status}); Switchyard channels have no disabled state, so it is left out rather than served");
            return;
        }
        var notes = new List<string>();
        if (mapping.Note is not null)
        {
            notes.Add(mapping.Note);
        }
        var sourceBase = (NonEmpty(row.String("base_url")) ?? mapping.DefaultBase).TrimEnd('/');
        if (sourceBase.Length == 0)
        {
            set.Skip("channel", name, "it has no base URL");
            return;
        }
        var baseUrl = mapping.VersionPath.Length == 0 || sourceBase.EndsWith(mapping.VersionPath, StringComparison.Ordinal) ? sourceBase : sourceBase + mapping.VersionPath;
        var keys = Keys(row, notes);
        if (keys.Count == 0)
        {
            set.Skip("channel", name, "it has no enabled key");
            return;
        }
        var models = Split(row.String("models"), ',');
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (NonEmpty(row.String("model_mapping")) is { } mappingJson)
        {
            foreach (var (from, to) in JsonObject(mappingJson, notes, "model_mapping"))
            {
                if (to.ValueKind == JsonValueKind.String && to.GetString() is { Length: > 0 } target && models.Contains(from))
                {
                    map[from] = target;
                }
                else
                {
                    notes.Add($"model_mapping entry '{from}' is not for one of the channel's models and is left out");
                }
            }
        }
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (NonEmpty(row.String("openai_organization")) is { } organization)
        {
            headers["OpenAI-Organization"] = organization;
        }
        if (NonEmpty(row.String("header_override")) is { } headerJson)
        {
            foreach (var (header, value) in JsonObject(headerJson, notes, "header_override"))
            {
                if (value.ValueKind == JsonValueKind.String)
                {
                    headers[header] = value.GetString()!;
                }
                else
                {
                    notes.Add($"header_override '{header}' is not a plain string and is left out");
                }
            }
        }
        if (NonEmpty(row.String("param_override")) is { Length: > 2 })
        {
            notes.Add("param_override (rewriting request bodies) has no Switchyard equivalent and is left out");
        }
        if (NonEmpty(row.String("status_code_mapping")) is { Length: > 2 })
        {
            notes.Add("status_code_mapping has no Switchyard equivalent and is left out");
        }
        foreach (var model in models)
        {
            requested.Add(model);
        }
        set.Channels.Add(new Imported<ChannelConfig>(new ChannelConfig
        {
            Name = name,
            Type = mapping.Type,
            BaseUrl = baseUrl,
            Keys = keys,
            Models = models.Select(m => map.GetValueOrDefault(m, m)).Distinct(StringComparer.Ordinal).ToList(),
            ModelMap = map,
            Groups = Split(row.String("group"), ','),
            Priority = (int)Math.Clamp(row.Long("priority") ?? 0, int.MinValue, int.MaxValue),
            // The source's default weight is 0, which its random pick treats like any equal weight.
            Weight = (int)Math.Clamp(row.Long("weight") ?? 0, 1, 10_000),
            Headers = headers,
        }, notes));
    }

    /// <summary>The channel's keys: one per line for a multi-key channel, less those the source disabled.</summary>
    private static List<string> Keys(SourceRow row, List<string> notes)
    {
        var text = row.String("key") ?? "";
        var info = NonEmpty(row.String("channel_info"));
        var multi = false;
        var disabled = new HashSet<int>();
        if (info is not null)
        {
            try
            {
                using var document = JsonDocument.Parse(info);
                var root = document.RootElement;
                multi = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("is_multi_key", out var isMulti) && isMulti.ValueKind == JsonValueKind.True;
                if (multi && root.TryGetProperty("multi_key_status_list", out var statuses) && statuses.ValueKind == JsonValueKind.Object)
                {
                    foreach (var entry in statuses.EnumerateObject())
                    {
                        if (int.TryParse(entry.Name, CultureInfo.InvariantCulture, out var index) && entry.Value.TryGetInt32(out var status) && status != 1)
                        {
                            disabled.Add(index);
                        }
                    }
                }
            }
            catch (JsonException)
            {
                notes.Add("channel_info is not JSON; the key is taken whole");
            }
        }
        if (!multi)
        {
            return text.Trim() is { Length: > 0 } single ? [single] : [];
        }
        var keys = new List<string>();
        var lines = text.Trim('\n').Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (disabled.Contains(i))
            {
                notes.Add($"key {i + 1} of {lines.Length} is disabled in the source and left out");
            }
            else if (lines[i].Trim() is { Length: > 0 } key)
            {
                keys.Add(key);
            }
        }
        return keys;
    }

    /// <summary>Each model the channels serve (by the name clients request) priced as the source would charge it.</summary>
    private static void ReadPrices(Dictionary<string, string> options, decimal unit, SortedSet<string> models, ImportSet set)
    {
        var modelRatios = Ratios(options, "ModelRatio");
        var completionRatios = Ratios(options, "CompletionRatio");
        var cacheRatios = Ratios(options, "CacheRatio");
        var fixedPrices = Ratios(options, "ModelPrice");
        foreach (var model in models)
        {
            if (fixedPrices.TryGetValue(model, out var perRequest))
            {
                set.Models.Add(new Imported<ModelConfig>(new ModelConfig { Name = model, Price = new PriceConfig { PerRequest = perRequest } }, []));
                continue;
            }
            if (!modelRatios.TryGetValue(model, out var ratio))
            {
                set.Skip("price", model, "no ModelRatio or ModelPrice for it in the source's options (a ratio built into new-api is not stored in its database); Switchyard's built-in price applies if it knows the model");
                continue;
            }
            var notes = new List<string>();
            var input = Round(ratio * 1_000_000m / unit);
            if (!completionRatios.TryGetValue(model, out var completion))
            {
                completion = 1m;
                notes.Add("no CompletionRatio for it in the source's options: output is priced like input (a completion ratio built into new-api is not stored in its database)");
            }
            var price = new PriceConfig
            {
                Input = input,
                Output = Round(input * completion),
                CachedInput = cacheRatios.TryGetValue(model, out var cache) ? Round(input * cache) : null,
            };
            set.Models.Add(new Imported<ModelConfig>(new ModelConfig { Name = model, Price = price }, notes));
        }
    }

    private static Dictionary<string, decimal> Ratios(Dictionary<string, string> options, string name)
    {
        var ratios = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (!options.TryGetValue(name, out var json) || string.IsNullOrWhiteSpace(json))
        {
            return ratios;
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return ratios;
            }
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.Number && entry.Value.TryGetDecimal(out var value))
                {
                    ratios[entry.Name] = value;
                }
            }
        }
        catch (JsonException)
        {
            throw new ImportException($"the source's option '{name}' is not a JSON object of numbers.");
        }
        return ratios;
    }

    private static List<(string Name, JsonElement Value)> JsonObject(string json, List<string> notes, string field)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.Clone())).ToList();
            }
        }
        catch (JsonException)
        {
        }
        notes.Add($"{field} is not a JSON object and is left out");
        return [];
    }

    /// <summary>A channel name unique per source id, fit for admin URLs: the source's name may repeat and hold any character.</summary>
    private static string Slug(string name, long id)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray();
        var slug = new string(chars).Trim('-');
        var suffix = "-" + id.ToString(CultureInfo.InvariantCulture);
        slug = slug.Length == 0 ? "channel" : slug;
        return (slug.Length + suffix.Length > 64 ? slug[..(64 - suffix.Length)] : slug) + suffix;
    }

    private static List<string> Split(string? text, char separator) =>
        text is null ? [] : text.Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static decimal Usd(long quota, decimal unit) => Round(quota / unit);

    private static decimal Usd(decimal value) => Round(value);

    private static decimal Round(decimal value) => Math.Round(value, 10).Normalize();

    private static decimal Normalize(this decimal value) => value / 1.000000000000000000000000000000000m;
}
