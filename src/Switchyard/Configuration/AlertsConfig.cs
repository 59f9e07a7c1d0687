namespace Switchyard.Configuration;

/// <summary>Webhooks told about operational events (<c>alerts:</c>), without needing Prometheus.</summary>
public sealed record AlertsConfig
{
    public static readonly IReadOnlyList<string> Formats = ["generic", "slack", "feishu", "dingtalk"];

    public IReadOnlyList<WebhookConfig> Webhooks { get; init; } = [];

    /// <summary>The least time between two deliveries of one event about one subject to one webhook.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Attempts per delivery (the first included); 5xx, 408, 429 and timeouts are retried.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>Wait before the second attempt; doubled before each further one.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often channel keys (circuit, disabled flag, health probe) and group budgets are looked at.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>True when some webhook wants <paramref name="name"/>.</summary>
    public bool Wants(string name)
    {
        foreach (var webhook in Webhooks)
        {
            if (webhook.Events.Contains(name, StringComparer.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    internal static AlertsConfig Read(YamlFields f)
    {
        var defaults = new AlertsConfig();
        return new AlertsConfig
        {
            Webhooks = f.List("webhooks", w => new WebhookConfig
            {
                Name = w.String("name", required: true) ?? "",
                Url = w.String("url", required: true) ?? "",
                Format = w.OneOf("format", [.. Formats]) ?? "generic",
                Events = w.StringList("events"),
                Secret = w.String("secret"),
            }),
            MinInterval = f.Duration("min_interval") ?? defaults.MinInterval,
            MaxAttempts = (int)(f.Long("max_attempts", min: 1) ?? defaults.MaxAttempts),
            RetryBackoff = f.Duration("retry_backoff") ?? defaults.RetryBackoff,
            Timeout = f.Duration("timeout") ?? defaults.Timeout,
            CheckInterval = f.Duration("check_interval") ?? defaults.CheckInterval,
        };
    }

    internal void Check(Action<string, string> add)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Webhooks.Count; i++)
        {
            var webhook = Webhooks[i];
            var path = $"alerts.webhooks[{i}]";
            if (webhook.Name.Length > 0 && !names.Add(webhook.Name))
            {
                add(path + ".name", $"duplicate name '{webhook.Name}'");
            }
            // The URL may carry a token: the message never repeats it.
            if (!Uri.TryCreate(webhook.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                add(path + ".url", "must be an http:// or https:// URL");
            }
            if (!Formats.Contains(webhook.Format, StringComparer.Ordinal))
            {
                add(path + ".format", $"must be one of {string.Join(", ", Formats)}");
            }
            if (webhook.Events.Count == 0)
            {
                add(path + ".events", "must name at least one event");
            }
            for (var e = 0; e < webhook.Events.Count; e++)
            {
                if (!AlertEvents.All.Contains(webhook.Events[e], StringComparer.Ordinal))
                {
                    add($"{path}.events[{e}]", $"must be one of {string.Join(", ", AlertEvents.All)}, got '{webhook.Events[e]}'");
                }
            }
        }
        if (MinInterval < TimeSpan.Zero)
        {
            add("alerts.min_interval", "must not be negative");
        }
        if (CheckInterval <= TimeSpan.Zero)
        {
            add("alerts.check_interval", "must be positive");
        }
        if (Timeout <= TimeSpan.Zero)
        {
            add("alerts.timeout", "must be positive");
        }
    }
}

/// <summary>One receiver: where, in which body format, for which events, signed with which secret.</summary>
public sealed record WebhookConfig
{
    public required string Name { get; init; }

    /// <summary>May hold a token (Slack, Feishu and DingTalk put theirs in the URL): treated as a secret.</summary>
    public required string Url { get; init; }

    public string Format { get; init; } = "generic";
    public IReadOnlyList<string> Events { get; init; } = [];

    /// <summary>Feishu and DingTalk signing secret; for generic, an HMAC-SHA256 of the body in <c>x-switchyard-signature</c>.</summary>
    public string? Secret { get; init; }
}
