using System.Globalization;
using System.Text.Json;
using Switchyard.Configuration;
using Switchyard.Tenancy;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Import;

/// <summary>
/// Reads LiteLLM's proxy config (<c>model_list</c>, <c>router_settings</c>, <c>general_settings</c>) and, given its
/// database, its teams, users, budgets and virtual keys. LiteLLM stores a key only as the SHA-256 hex of the secret
/// (<c>LiteLLM_VerificationToken.token</c>), so keys come over by that hash.
/// </summary>
public static class LiteLlmSource
{
    private const string EnvironmentPrefix = "os.environ/";
    private const string DefaultGroup = "default";

    /// <param name="environment">Reads the variables <c>os.environ/NAME</c> values refer to.</param>
    public static ImportSet ReadConfig(string yaml, Func<string, string?> environment)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new ImportException($"the LiteLLM config is not valid YAML: {e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ImportException("the LiteLLM config is empty or not a mapping.");
        }
        var set = new ImportSet("litellm");
        var prices = new Dictionary<string, PriceConfig>(StringComparer.Ordinal);
        var served = new List<string>();
        if (Child(root, "model_list") is YamlSequenceNode list)
        {
            var index = 0;
            foreach (var entry in list.Children.OfType<YamlMappingNode>())
            {
                index++;
                ReadDeployment(entry, index, environment, set, prices, served);
            }
        }
        var router = Child(root, "router_settings") as YamlMappingNode;
        var settings = Child(root, "litellm_settings") as YamlMappingNode;
        var aliases = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (Child(router, "model_group_alias") is YamlMappingNode aliasMap)
        {
            foreach (var (aliasNode, target) in aliasMap.Children)
            {
                var to = target is YamlMappingNode withOptions ? Scalar(withOptions, "model") : (target as YamlScalarNode)?.Value;
                if (Text(aliasNode) is { } alias && to is not null)
                {
                    (aliases.TryGetValue(to, out var names) ? names : aliases[to] = []).Add(alias);
                }
            }
        }
        var fallbacks = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var source in new[] { Child(router, "fallbacks"), Child(settings, "fallbacks") })
        {
            foreach (var item in (source as YamlSequenceNode)?.Children.OfType<YamlMappingNode>() ?? [])
            {
                foreach (var (model, targets) in item.Children)
                {
                    if (Text(model) is { } name && targets is YamlSequenceNode sequence)
                    {
                        (fallbacks.TryGetValue(name, out var chain) ? chain : fallbacks[name] = []).AddRange(sequence.Children.Select(Text).OfType<string>());
                    }
                }
            }
        }
        foreach (var model in served.Concat(aliases.Keys).Concat(fallbacks.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var config = new ModelConfig
            {
                Name = model,
                Price = prices.GetValueOrDefault(model),
                Aliases = aliases.GetValueOrDefault(model) ?? [],
                Fallbacks = fallbacks.GetValueOrDefault(model)?.Distinct(StringComparer.Ordinal).ToList() ?? [],
            };
            if (config.Price is not null || config.Aliases.Count > 0 || config.Fallbacks.Count > 0)
            {
                set.Models.Add(new Imported<ModelConfig>(config, []));
            }
        }
        ReadRouter(router, settings, set);
        ReadGeneral(Child(root, "general_settings") as YamlMappingNode, set);
        return set;
    }

    private static void ReadDeployment(YamlMappingNode entry, int index, Func<string, string?> environment, ImportSet set,
        Dictionary<string, PriceConfig> prices, List<string> served)
    {
        var modelName = Scalar(entry, "model_name") ?? $"model-{index}";
        var name = Slug(modelName, index);
        var parameters = Child(entry, "litellm_params") as YamlMappingNode;
        if (Scalar(parameters, "model") is not { } model)
        {
            set.Skip("channel", name, "litellm_params.model is missing");
            return;
        }
        var (prefix, provider, upstream) = LiteLlmProviders.Parse(model);
        if (provider is null)
        {
            set.Skip("channel", name, $"provider '{prefix}' ({model}) has no Switchyard channel type");
            return;
        }
        var notes = new List<string>();
        if (provider.Note is not null)
        {
            notes.Add(provider.Note);
        }
        var apiBase = Scalar(parameters, "api_base") is { } givenBase ? Resolve(givenBase, "api_base", environment, notes) : null;
        var baseUrl = apiBase?.TrimEnd('/') is { Length: > 0 } b
            ? provider.ApiBaseSuffix.Length == 0 || b.EndsWith(provider.ApiBaseSuffix, StringComparison.Ordinal) ? b : b + provider.ApiBaseSuffix
            : provider.DefaultBase;
        if (baseUrl.Length == 0)
        {
            set.Skip("channel", name, $"provider '{prefix}' needs an api_base, and none is set (or its variable is not set)");
            return;
        }
        var keys = new List<string>();
        if (Scalar(parameters, "api_key") is { } apiKey)
        {
            if (Resolve(apiKey, "api_key", environment, notes) is not { } key)
            {
                set.Skip("channel", name, $"api_key reads {apiKey[EnvironmentPrefix.Length..]} (${{{apiKey[EnvironmentPrefix.Length..]}}}), which is not set where the import runs; set it and run again");
                return;
            }
            keys.Add(key);
        }
        foreach (var limit in new[] { "rpm", "tpm", "max_parallel_requests" })
        {
            if (Scalar(parameters, limit) is not null)
            {
                notes.Add($"{limit} per deployment is left out: Switchyard's limits apply to groups, users and keys");
            }
        }
        var priority = 0;
        if (Scalar(parameters, "order") is { } orderText && int.TryParse(orderText, CultureInfo.InvariantCulture, out var order))
        {
            // LiteLLM tries order 1 before 2; Switchyard tries higher priorities first.
            priority = -order;
        }
        var weight = Scalar(parameters, "weight") is { } weightText && decimal.TryParse(weightText, NumberStyles.Float, CultureInfo.InvariantCulture, out var w) && w >= 1
            ? (int)Math.Min(w, 10_000m)
            : 1;
        served.Add(modelName);
        var info = Child(entry, "model_info") as YamlMappingNode;
        var input = PerMillion(Scalar(parameters, "input_cost_per_token") ?? Scalar(info, "input_cost_per_token"));
        var output = PerMillion(Scalar(parameters, "output_cost_per_token") ?? Scalar(info, "output_cost_per_token"));
        if ((input is not null || output is not null) && !prices.ContainsKey(modelName))
        {
            prices[modelName] = new PriceConfig
            {
                Input = input ?? 0,
                Output = output ?? 0,
                CachedInput = PerMillion(Scalar(parameters, "cache_read_input_token_cost") ?? Scalar(info, "cache_read_input_token_cost")),
            };
        }
        set.Channels.Add(new Imported<ChannelConfig>(new ChannelConfig
        {
            Name = name,
            Type = provider.Type,
            BaseUrl = baseUrl,
            Keys = keys,
            Models = [upstream],
            ModelMap = upstream == modelName ? new Dictionary<string, string>() : new Dictionary<string, string> { [modelName] = upstream },
            Priority = priority,
            Weight = weight,
        }, notes));
    }

    private static void ReadRouter(YamlMappingNode? router, YamlMappingNode? settings, ImportSet set)
    {
        var strategy = Scalar(router, "routing_strategy") ?? "simple-shuffle";
        set.Remarks.Add(strategy == "simple-shuffle"
            ? "routing_strategy simple-shuffle: Switchyard's weighted choice within a priority tier does the same"
            : $"routing_strategy {strategy} has no Switchyard equivalent: channels are chosen by priority tier, then weight");
        foreach (var (field, target) in new[] { ("num_retries", "router.num_retries"), ("allowed_fails", "router.allowed_fails"), ("cooldown_time", "router.cooldown"), ("timeout", "router.request_timeout") })
        {
            if ((Scalar(router, field) ?? Scalar(settings, field)) is { } value)
            {
                var unit = field is "cooldown_time" or "timeout" ? "s" : "";
                set.Remarks.Add($"{field}: set {target}: {value}{unit} in switchyard.yaml (router settings live in the config file)");
            }
        }
        foreach (var field in new[] { "context_window_fallbacks", "content_policy_fallbacks" })
        {
            if (Child(router, field) is not null || Child(settings, field) is not null)
            {
                set.Remarks.Add($"{field} has no Switchyard equivalent and is left out (plain fallbacks are imported)");
            }
        }
    }

    private static void ReadGeneral(YamlMappingNode? general, ImportSet set)
    {
        if (Scalar(general, "master_key") is { } master)
        {
            set.Remarks.Add(master.StartsWith(EnvironmentPrefix, StringComparison.Ordinal)
                ? $"general_settings.master_key: set security.master_key: ${{{master[EnvironmentPrefix.Length..]}}} in switchyard.yaml"
                : "general_settings.master_key: set security.master_key in switchyard.yaml to the same value (not printed here)");
        }
        if (Scalar(general, "database_url") is not null)
        {
            set.Remarks.Add("general_settings.database_url is set: pass that database as --database to import teams, users and keys");
        }
    }

    /// <summary>Teams, users and virtual keys from LiteLLM's PostgreSQL database.</summary>
    public static async Task ReadDatabaseAsync(SourceDatabase source, ImportSet set, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if ((await source.ColumnsAsync("LiteLLM_VerificationToken", cancellationToken)).Count == 0)
        {
            throw new ImportException("--database: this database has no LiteLLM_VerificationToken table; it is not LiteLLM's.");
        }
        var budgets = new Dictionary<string, SourceRow>(StringComparer.Ordinal);
        foreach (var row in await source.RowsAsync("LiteLLM_BudgetTable", cancellationToken))
        {
            if (row.String("budget_id") is { } id)
            {
                budgets[id] = row;
            }
        }
        var teams = new Dictionary<string, string>(StringComparer.Ordinal);
        var teamAdmins = new HashSet<(string Team, string User)>();
        foreach (var row in await source.RowsAsync("LiteLLM_TeamTable", cancellationToken))
        {
            var id = row.String("team_id") ?? "";
            var group = Slug(row.String("team_alias") ?? id, 0);
            if (row.Bool("blocked"))
            {
                set.Skip("group", group, "the team is blocked in LiteLLM");
                continue;
            }
            teams[id] = group;
            var notes = new List<string>();
            var models = TeamModels(row.List("models"));
            set.Groups.Add(new Imported<GroupConfig>(new GroupConfig { Name = group, Models = models, Limits = Limits(row, budgets, notes) }, notes));
            foreach (var admin in row.List("admins"))
            {
                teamAdmins.Add((id, admin));
            }
            if (row.String("members_with_roles") is { } members)
            {
                foreach (var member in MembersWithRoles(members))
                {
                    if (member.Role == "admin")
                    {
                        teamAdmins.Add((id, member.User));
                    }
                }
            }
        }
        var users = new Dictionary<string, UserConfig>(StringComparer.Ordinal);
        foreach (var row in await source.RowsAsync("LiteLLM_UserTable", cancellationToken))
        {
            var name = row.String("user_id") ?? "";
            var memberOf = row.List("teams");
            var team = row.String("team_id") ?? (memberOf.Count > 0 ? memberOf[0] : null);
            var group = team is not null && teams.TryGetValue(team, out var g) ? g : DefaultGroup;
            var notes = new List<string>();
            var role = row.String("user_role") switch
            {
                "proxy_admin" => Roles.SuperAdmin,
                _ when team is not null && teamAdmins.Contains((team, name)) => Roles.GroupAdmin,
                "proxy_admin_viewer" => Note(notes, Roles.User, "a read-only proxy admin has no Switchyard equivalent: imported as a user"),
                _ => Roles.User,
            };
            if (row.List("teams").Count > 1)
            {
                notes.Add($"a member of {row.List("teams").Count} teams; a Switchyard user belongs to one group ('{group}')");
            }
            set.EnsureGroup(group);
            var config = new UserConfig { Name = name, Group = group, Role = role, Limits = Limits(row, budgets, notes) };
            users[name] = config;
            var passwordNote = string.IsNullOrEmpty(row.String("password")) ? null
                : "its LiteLLM UI password is stored hashed, which Switchyard's logins (PBKDF2) cannot verify: a real run prints a one-time password reset link for the admin to hand over";
            set.Users.Add(new Imported<ImportedUser>(new ImportedUser(config, passwordNote), notes));
        }
        foreach (var row in await source.RowsAsync("LiteLLM_VerificationToken", cancellationToken))
        {
            ReadKey(row, teams, users, budgets, now, set);
        }
        set.Groups.Sort((a, b) => string.CompareOrdinal(a.Value.Name, b.Value.Name));
    }

    private static void ReadKey(SourceRow row, Dictionary<string, string> teams, Dictionary<string, UserConfig> users,
        Dictionary<string, SourceRow> budgets, DateTimeOffset now, ImportSet set)
    {
        var token = row.String("token") ?? "";
        var shortId = token.Length > 8 ? token[..8] : token;
        var label = row.String("key_alias") ?? row.String("key_name") ?? "key";
        var name = $"{label} (litellm key {shortId})";
        if (row.Bool("blocked"))
        {
            set.Skip("key", name, "blocked in LiteLLM");
            return;
        }
        if (row.Time("expires") is { } expires && expires <= now)
        {
            set.Skip("key", name, "expired in LiteLLM");
            return;
        }
        var notes = new List<string>();
        string? secret = null, sha256 = null;
        if (KeyHasher.ImportedSha256(token) is not null)
        {
            sha256 = token;
        }
        else if (token.StartsWith("sk-", StringComparison.Ordinal) && token.Length >= 16)
        {
            // Very old LiteLLM versions stored the key itself.
            secret = token;
        }
        else
        {
            set.Skip("key", name, "its stored token is neither a SHA-256 hex nor a key");
            return;
        }
        var team = row.String("team_id");
        var userId = row.String("user_id");
        var group = team is not null && teams.TryGetValue(team, out var g) ? g
            : userId is not null && users.TryGetValue(userId, out var owner) ? owner.Group
            : DefaultGroup;
        string? user = null;
        if (userId is not null && users.TryGetValue(userId, out var keyUser))
        {
            if (keyUser.Group == group)
            {
                user = userId;
            }
            else
            {
                notes.Add($"its user '{userId}' is in group '{keyUser.Group}', so the key keeps group '{group}' with no owner");
            }
        }
        set.EnsureGroup(group);
        var models = TeamModels(row.List("models"));
        set.Keys.Add(new Imported<ImportedKey>(new ImportedKey
        {
            Name = name.Length > 128 ? name[^128..] : name,
            Secret = secret,
            Sha256Hex = sha256,
            Hint = row.String("key_name") is { Length: > 0 and <= 32 } hint ? hint : "litellm:" + shortId,
            User = user,
            Group = group,
            Models = models,
            Limits = Limits(row, budgets, notes),
            ExpiresAt = row.Time("expires"),
        }, notes));
    }

    /// <summary>LiteLLM's rate limits and budget (its own, else its budget row's) as Switchyard limits.</summary>
    private static LimitsConfig? Limits(SourceRow row, Dictionary<string, SourceRow> budgets, List<string> notes)
    {
        var budget = row.String("budget_id") is { } id ? budgets.GetValueOrDefault(id) : null;
        decimal? Decimal(string column) => row.Decimal(column) ?? budget?.Decimal(column);
        long? Long(string column) => row.Long(column) ?? budget?.Long(column);
        var limits = new LimitsConfig { Rpm = Long("rpm_limit"), Tpm = Long("tpm_limit"), MaxParallel = Long("max_parallel_requests") };
        if (Decimal("max_budget") is { } max)
        {
            var duration = row.String("budget_duration") ?? budget?.String("budget_duration");
            switch (duration)
            {
                case null or "":
                    var spent = row.Decimal("spend") ?? 0m;
                    limits = limits with { UsdTotal = Math.Max(0m, max - spent) };
                    notes.Add($"max_budget ${max.ToString(CultureInfo.InvariantCulture)} less ${spent.ToString(CultureInfo.InvariantCulture)} spent becomes a usd_total limit counted from the import on");
                    break;
                case "1d" or "24h":
                    limits = limits with { UsdPerDay = max };
                    break;
                case "1mo" or "30d":
                    limits = limits with { UsdPerMonth = max };
                    if (duration == "30d")
                    {
                        notes.Add("a 30-day budget window becomes a calendar month");
                    }
                    break;
                default:
                    notes.Add($"a budget window of {duration} has no Switchyard equivalent (days and months only); the budget is left out");
                    break;
            }
        }
        return limits == new LimitsConfig() ? null : limits;
    }

    /// <summary>LiteLLM's "every model" markers mean no narrowing in Switchyard.</summary>
    private static IReadOnlyList<string> TeamModels(IReadOnlyList<string> models) =>
        models.Any(m => m is "all-proxy-models" or "all-team-models") ? [] : models;

    private static IEnumerable<(string User, string Role)> MembersWithRoles(string json)
    {
        var members = new List<(string, string)>();
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return members;
            }
            foreach (var member in document.RootElement.EnumerateArray())
            {
                if (member.ValueKind == JsonValueKind.Object && member.TryGetProperty("user_id", out var user) && user.ValueKind == JsonValueKind.String
                    && member.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String)
                {
                    members.Add((user.GetString()!, role.GetString()!));
                }
            }
        }
        catch (JsonException)
        {
        }
        return members;
    }

    private static string Note(List<string> notes, string value, string note)
    {
        notes.Add(note);
        return value;
    }

    /// <summary>An <c>os.environ/NAME</c> value read from the environment now (null when unset); any other value as is.</summary>
    private static string? Resolve(string value, string field, Func<string, string?> environment, List<string> notes)
    {
        if (!value.StartsWith(EnvironmentPrefix, StringComparison.Ordinal))
        {
            return value;
        }
        var variable = value[EnvironmentPrefix.Length..];
        notes.Add($"{field} {value} (${{{variable}}}) is read when importing and stored sealed: Switchyard's database holds values, not variable references");
        return environment(variable) is { Length: > 0 } resolved ? resolved : null;
    }

    private static decimal? PerMillion(string? perToken) =>
        perToken is not null && decimal.TryParse(perToken, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? Math.Round(value * 1_000_000m, 10) / 1.000000000000000000000000000000000m
            : null;

    private static YamlNode? Child(YamlMappingNode? node, string name)
    {
        if (node is null)
        {
            return null;
        }
        foreach (var (key, value) in node.Children)
        {
            if (key is YamlScalarNode { Value: { } k } && k == name)
            {
                return value;
            }
        }
        return null;
    }

    private static string? Scalar(YamlMappingNode? node, string name) => Text(Child(node, name));

    private static string? Text(YamlNode? node) => node is YamlScalarNode { Value: { Length: > 0 } value } && value is not ("~" or "null") ? value : null;

    /// <summary>A channel or group name fit for admin URLs, unique per position when <paramref name="index"/> is given.</summary>
    private static string Slug(string name, int index)
    {
        var slug = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray()).Trim('-');
        slug = slug.Length == 0 ? "litellm" : slug;
        var suffix = index == 0 ? "" : "-" + index.ToString(CultureInfo.InvariantCulture);
        return (slug.Length + suffix.Length > 64 ? slug[..(64 - suffix.Length)] : slug) + suffix;
    }
}
