namespace Switchyard.Configuration;

/// <summary>Cross-field rules: names unique, references resolve, URLs usable.</summary>
public static class ConfigValidator
{
    public static readonly IReadOnlyList<string> ChannelTypes = [.. ChannelFamilies.Words.Select(w => w.Word)];

    public static GatewayConfig Validate(GatewayConfig config)
    {
        var problems = Problems(config);
        if (problems.Count > 0)
        {
            throw new ConfigException(problems);
        }
        return config;
    }

    /// <summary>Endpoint names a limit may use (<see cref="LimitEndpoints.All"/>); the admin API checks stored limits the same way.</summary>
    public static void LimitProblems(string path, LimitsConfig? limits, Action<string, string> add)
    {
        foreach (var name in limits?.Endpoints?.Keys ?? [])
        {
            if (!LimitEndpoints.All.Contains(name, StringComparer.Ordinal))
            {
                add($"{path}.endpoints.{name}", $"unknown endpoint; limits may name {string.Join(", ", LimitEndpoints.All)}");
            }
        }
    }

    /// <summary>Routing rules: unique names, one target or split, known protocols, arms that add up to 100 %.</summary>
    public static void RouteProblems(IReadOnlyList<RouteRuleConfig> routes, Action<string, string> add)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < routes.Count; i++)
        {
            var rule = routes[i];
            var path = $"routes[{i}]";
            if (rule.Name.Length == 0 || rule.Name.Length > 64 || rule.Name.Contains('/'))
            {
                add($"{path}.name", "must be 1 to 64 characters without '/'");
            }
            else if (!names.Add(rule.Name))
            {
                add($"{path}.name", $"'{rule.Name}' is used by an earlier rule");
            }
            if ((rule.Target is null) == (rule.Split is null))
            {
                add(path, "needs exactly one of target or split");
            }
            if (rule.Target is { Model: null, Channels.Count: 0 })
            {
                add($"{path}.target", "names neither a model nor channels");
            }
            for (var p = 0; p < rule.When.Protocols.Count; p++)
            {
                if (!RouteProtocols.All.Contains(rule.When.Protocols[p], StringComparer.Ordinal))
                {
                    add($"{path}.when.protocols[{p}]", $"must be one of {string.Join(", ", RouteProtocols.All)}, got '{rule.When.Protocols[p]}'");
                }
            }
            if (rule.Split is { } split)
            {
                if (split.Sticky != "key" && !(split.Sticky.StartsWith("header:", StringComparison.Ordinal) && split.Sticky.Length > "header:".Length))
                {
                    add($"{path}.split.sticky", $"must be key or header:NAME, got '{split.Sticky}'");
                }
                if (split.Arms.Count == 0 || split.Arms.Sum(a => a.Percent) != 100m || split.Arms.Any(a => a.Percent < 0))
                {
                    add($"{path}.split.arms", "need percentages of 0 to 100 that add up to 100");
                }
                var arms = new HashSet<string>(StringComparer.Ordinal);
                for (var a = 0; a < split.Arms.Count; a++)
                {
                    if (split.Arms[a].Name.Length == 0 || split.Arms[a].Name.Length > 64 || !arms.Add(split.Arms[a].Name))
                    {
                        add($"{path}.split.arms[{a}].name", "must be unique in the split, 1 to 64 characters");
                    }
                }
            }
        }
    }

    public static List<string> Problems(GatewayConfig config)
    {
        var problems = new List<string>();
        void Add(string path, string message) => problems.Add($"{path}: {message}");

        if (!Uri.TryCreate(config.Server.Listen, UriKind.Absolute, out var listen) || listen.Scheme is not ("http" or "https"))
        {
            Add("server.listen", $"must be an http:// or https:// URL, got '{config.Server.Listen}'");
        }
        // The bounded reader holds an answer in one array.
        if (config.Server.MaxUpstreamBodyBytes < 1024 || config.Server.MaxUpstreamBodyBytes > Array.MaxLength)
        {
            Add("server.max_upstream_body_bytes", $"must be between 1024 and {Array.MaxLength}, got {config.Server.MaxUpstreamBodyBytes}");
        }
        if (config.Server.ShutdownDelay < TimeSpan.Zero || config.Server.ShutdownDelay > TimeSpan.FromMinutes(10))
        {
            Add("server.shutdown_delay", "must be from 0s to 10m");
        }
        if (config.Server.WarmUp < TimeSpan.Zero || config.Server.WarmUp > TimeSpan.FromMinutes(1))
        {
            Add("server.warm_up", "must be from 0s to 1m");
        }
        if (config.Server.ShutdownGrace < TimeSpan.Zero || config.Server.ShutdownGrace > TimeSpan.FromHours(1))
        {
            Add("server.shutdown_grace", "must be from 0s to 1h");
        }
        if (!DatabaseLocation.TryParse(config.Storage.Database, out _, out var databaseError))
        {
            Add("storage.database", databaseError!);
        }

        if (config.Storage.Redis is { } redisUrl && !Resp.RedisOptions.TryParse(redisUrl, out _, out var redisError))
        {
            Add("storage.redis", redisError!);
        }

        var groups = UniqueNames(config.Groups, g => g.Name, "groups", Add);
        var users = UniqueNames(config.Users, u => u.Name, "users", Add);
        UniqueNames(config.Keys, k => k.Name, "keys", Add);
        UniqueNames(config.Channels, c => c.Name, "channels", Add);
        var models = UniqueNames(config.Models, m => m.Name, "models", Add);

        UpstreamRangeRules(config.Security.UpstreamHosts, Add);
        var hosts = UpstreamHostPolicy.For(config.Security.UpstreamHosts);
        for (var i = 0; i < config.Channels.Count; i++)
        {
            var channel = config.Channels[i];
            var path = $"channels[{i}]";
            if (channel.Type.Length > 0 && channel.Family == ChannelFamily.Unknown)
            {
                Add($"{path}.type", $"unknown channel type '{channel.Type}' (known: {string.Join(", ", ChannelTypes)})");
            }
            if (channel.BaseUrl.Length > 0)
            {
                if (!Uri.TryCreate(channel.BaseUrl, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
                {
                    Add($"{path}.base_url", $"must be an http:// or https:// URL, got '{channel.BaseUrl}'");
                }
                else if (hosts.Refuse(baseUrl, config.Server.Listen) is { } refused)
                {
                    Add($"{path}.base_url", $"refused: {refused}");
                }
            }
            if (channel.Responses && channel.Family != ChannelFamily.OpenAi)
            {
                Add($"{path}.responses", $"only 'openai' channels can speak the Responses API, this one is '{channel.Type}'");
            }
            foreach (var hosted in channel.HostedTools)
            {
                if (hosted != "web_search")
                {
                    Add($"{path}.hosted_tools", $"'{hosted}' has no equivalent that a converted request can be given; the one hosted tool that maps is 'web_search'");
                }
                else if (channel.Family is not (ChannelFamily.Anthropic or ChannelFamily.Gemini))
                {
                    Add($"{path}.hosted_tools", $"'web_search' maps only to Anthropic's server web search and Gemini's Google Search grounding, and this channel is '{channel.Type}'");
                }
            }
            if (channel.Models.Count == 0 && channel.ModelMap.Count == 0)
            {
                Add($"{path}.models", "a channel must serve at least one model (models or model_map)");
            }
            foreach (var (requested, target) in channel.ModelMap)
            {
                if (IsPattern(target))
                {
                    Add($"{path}.model_map.{requested}", $"'{target}' is sent to the upstream, so it must be a concrete model name, not a pattern");
                }
            }
            for (var g = 0; g < channel.Groups.Count; g++)
            {
                if (groups.Count > 0 && !groups.Contains(channel.Groups[g]))
                {
                    Add($"{path}.groups[{g}]", $"unknown group '{channel.Groups[g]}'");
                }
            }
        }

        var aliases = new HashSet<string>(models, StringComparer.Ordinal);
        for (var i = 0; i < config.Models.Count; i++)
        {
            var model = config.Models[i];
            if (IsPattern(model.Name))
            {
                Add($"models[{i}].name", $"'{model.Name}' must be a concrete model name; put patterns in 'aliases'");
            }
            for (var a = 0; a < model.Aliases.Count; a++)
            {
                if (!aliases.Add(model.Aliases[a]))
                {
                    Add($"models[{i}].aliases[{a}]", $"'{model.Aliases[a]}' is already a model name or alias");
                }
            }
            for (var f = 0; f < model.Fallbacks.Count; f++)
            {
                if (model.Fallbacks[f] == model.Name)
                {
                    Add($"models[{i}].fallbacks[{f}]", "a model cannot fall back to itself");
                }
                else if (IsPattern(model.Fallbacks[f]))
                {
                    Add($"models[{i}].fallbacks[{f}]", $"'{model.Fallbacks[f]}' must be a concrete model name, not a pattern");
                }
            }
        }

        for (var i = 0; i < config.Groups.Count; i++)
        {
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(config.Groups[i].TimeZone, out _))
            {
                Add($"groups[{i}].timezone", $"unknown time zone '{config.Groups[i].TimeZone}' (use an IANA name such as Asia/Shanghai)");
            }
            LimitProblems($"groups[{i}].limits", config.Groups[i].Limits, Add);
        }

        for (var i = 0; i < config.Users.Count; i++)
        {
            var user = config.Users[i];
            if (user.Group.Length > 0 && !groups.Contains(user.Group))
            {
                Add($"users[{i}].group", $"unknown group '{user.Group}'");
            }
            if (!Roles.All.Contains(user.Role))
            {
                Add($"users[{i}].role", $"must be one of super_admin, group_admin, user, got '{user.Role}'");
            }
            if (user.Password is { Length: < 12 })
            {
                Add($"users[{i}].password", "must be at least 12 characters");
            }
            LimitProblems($"users[{i}].limits", user.Limits, Add);
        }

        for (var i = 0; i < config.Keys.Count; i++)
        {
            var key = config.Keys[i];
            if (key.Group.Length > 0 && !groups.Contains(key.Group))
            {
                Add($"keys[{i}].group", $"unknown group '{key.Group}'");
            }
            if (key.User is not null && !users.Contains(key.User))
            {
                Add($"keys[{i}].user", $"unknown user '{key.User}'");
            }
            else if (key.User is not null && config.Users.First(u => u.Name == key.User).Group != key.Group)
            {
                Add($"keys[{i}].group", $"user '{key.User}' belongs to another group");
            }
            if (key.Secret is { Length: < 16 })
            {
                Add($"keys[{i}].secret", "must be at least 16 characters");
            }
            LimitProblems($"keys[{i}].limits", key.Limits, Add);
        }

        RouteProblems(config.Routes, Add);

        if (config.Router.FailureRate is <= 0 or > 1)
        {
            Add("router.failure_rate", $"must be greater than 0 and at most 1, got {config.Router.FailureRate}");
        }
        if (config.Security.SecretKey is { Length: < 16 })
        {
            Add("security.secret_key", "must be at least 16 characters (it derives the key that encrypts upstream keys; use 32 random ones)");
        }
        if (config.Security.SessionTtl < TimeSpan.FromSeconds(1) || config.Security.SessionTtl > TimeSpan.FromDays(30))
        {
            Add("security.session_ttl", "must be from 1s to 30d");
        }
        if (config.Security.PasswordResetTtl < TimeSpan.FromMinutes(1) || config.Security.PasswordResetTtl > TimeSpan.FromDays(30))
        {
            Add("security.password_reset_ttl", "must be from 1m to 30d");
        }
        if (config.Server.PublicUrl is { } publicUrl && !PublicUrls.IsValid(publicUrl))
        {
            Add("server.public_url", $"must be an http:// or https:// URL without query or fragment, got '{publicUrl}'");
        }
        if (config.Security.MasterKey is { Length: < 16 })
        {
            Add("security.master_key", "must be at least 16 characters");
        }

        ObservabilityRules(config, Add);
        config.Alerts.Check(Add);
        return problems;
    }

    private static void UpstreamRangeRules(UpstreamHostsConfig hosts, Action<string, string> add)
    {
        foreach (var (name, list) in new[] { ("allow", hosts.Allow), ("deny", hosts.Deny) })
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (!UpstreamHostPolicy.TryParseRange(list[i], out _))
                {
                    add($"security.upstream_hosts.{name}[{i}]", $"must be an address range in CIDR form (10.0.0.0/8, fd00::/8) or one address, got '{list[i]}'");
                }
            }
        }
    }

    private static void ObservabilityRules(GatewayConfig config, Action<string, string> add)
    {
        for (var i = 0; i < config.Redaction.Patterns.Count; i++)
        {
            try
            {
                RedactionPattern.Compile(config.Redaction.Patterns[i]);
            }
            catch (ArgumentException e)
            {
                add($"redaction.patterns[{i}]", $"not a valid regular expression: {e.Message}");
            }
        }
        if (config.Metrics.Token is { Length: < 16 })
        {
            add("metrics.token", "must be at least 16 characters");
        }
        if (config.Telemetry.TraceSampleRatio is < 0 or > 1 || double.IsNaN(config.Telemetry.TraceSampleRatio))
        {
            add("telemetry.trace_sample_ratio", "must be from 0 to 1");
        }
        if (config.Telemetry.OtlpEndpoint is { } otlp && (!Uri.TryCreate(otlp, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            add("telemetry.otlp_endpoint", $"must be an http:// or https:// URL, got '{otlp}'");
        }
    }

    /// <summary>A model-name pattern (the router's ModelGlob syntax), which only some fields may hold.</summary>
    private static bool IsPattern(string name) => name.AsSpan().IndexOfAny('*', '?') >= 0;

    private static HashSet<string> UniqueNames<T>(IReadOnlyList<T> items, Func<T, string> name, string section, Action<string, string> add)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var value = name(items[i]);
            if (value.Length > 0 && !seen.Add(value))
            {
                add($"{section}[{i}].name", $"duplicate name '{value}'");
            }
        }
        return seen;
    }
}
