using Switchyard.Configuration;
using Switchyard.Resilience;

namespace Switchyard.Routing;

/// <summary>A channel as the router sees it: its config, and the health of each of its keys.</summary>
public sealed class Channel
{
    private readonly ChannelKey[] _keys;
    private int _nextKey = -1;

    public Channel(ChannelConfig config, RouterConfig router, TimeProvider time, Channel? previous = null)
    {
        Config = config;
        BaseUrl = ResolveBaseUrl(config.Family, config.BaseUrl);
        _mapPatterns = new ModelGlobTable<string>(config.ModelMap.Where(m => ModelGlob.IsPattern(m.Key)).Select(m => (m.Key, m.Value)));
        _modelPatterns = new ModelGlobTable<bool>(config.Models.Where(ModelGlob.IsPattern).Select(m => (m, true)));
        // A keyless upstream (a local Ollama) still gets one health slot; a channel whose key file was never readable
        // gets none, so it is skipped instead of called without its keys.
        string?[] secrets = config.SecretsMissing ? [] : config.Keys.Count == 0 ? [null] : config.Keys.Select(k => (string?)k).ToArray();
        var sameBreaker = previous is not null && previous._router == router;
        _router = router;
        _keys = secrets.Select((secret, i) =>
            sameBreaker && i < previous!._keys.Length && previous._keys[i].Secret == secret
                ? previous._keys[i]
                : new ChannelKey(secret, new KeyHealth(config.Name, i, router.AllowedFails, router.Cooldown, time, router.FailureRate, router.MinRequests))).ToArray();
    }

    private readonly RouterConfig _router;
    private readonly ModelGlobTable<string> _mapPatterns;
    private readonly ModelGlobTable<bool> _modelPatterns;

    /// <summary>
    /// The URL paths are appended to. A base URL with no path (<c>https://api.anthropic.com</c>, as the Anthropic SDK
    /// and new-api write it) gets its family's version path: <c>/v1</c> for openai and anthropic, <c>/v1beta</c> for
    /// gemini. One with a path is kept as given (<c>https://api.openai.com/v1</c>, <c>…/api/paas/v4</c>).
    /// </summary>
    public static Uri ResolveBaseUrl(ChannelFamily family, string configured)
    {
        var uri = new Uri(configured.TrimEnd('/') + "/");
        if (uri.AbsolutePath != "/")
        {
            return uri;
        }
        var version = family == ChannelFamily.Gemini ? "v1beta/" : "v1/";
        return new Uri(uri, version);
    }

    public ChannelConfig Config { get; }
    public string Name => Config.Name;
    public Uri BaseUrl { get; }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Uri> _urls = new(StringComparer.Ordinal);

    /// <summary>
    /// <see cref="BaseUrl"/> with <paramref name="path"/> appended. A channel is asked for a handful of paths (one per
    /// endpoint and model), so each is parsed once rather than per request; past 256 the rest are made afresh.
    /// </summary>
    public Uri UrlFor(string path)
    {
        if (_urls.TryGetValue(path, out var url))
        {
            return url;
        }
        url = new Uri(BaseUrl, path);
        if (_urls.Count < 256)
        {
            _urls.TryAdd(path, url);
        }
        return url;
    }
    public IReadOnlyList<ChannelKey> Keys => _keys;

    /// <summary>
    /// Upstream model name for the requested (or canonical) name, if this channel serves it. Exact names first, in
    /// the order model_map then models; patterns only when no exact name matched, in the same order.
    /// </summary>
    public string? UpstreamModelFor(string requested, string canonical)
    {
        if (Config.ModelMap.TryGetValue(requested, out var mapped) || Config.ModelMap.TryGetValue(canonical, out mapped))
        {
            return mapped;
        }
        if (Config.Models.Contains(canonical, StringComparer.Ordinal))
        {
            return canonical;
        }
        if (Config.Models.Contains(requested, StringComparer.Ordinal))
        {
            return requested;
        }
        if (_mapPatterns.TryMatch(requested, out _, out mapped) || _mapPatterns.TryMatch(canonical, out _, out mapped))
        {
            return mapped;
        }
        return _modelPatterns.TryMatch(canonical, out _, out _) ? canonical
            : _modelPatterns.TryMatch(requested, out _, out _) ? requested
            : null;
    }

    public bool IsOpenTo(string group) => Config.Groups.Count == 0 || Config.Groups.Contains(group, StringComparer.Ordinal);

    public bool HasAvailableKey(IReadOnlySet<KeyHealth>? tried)
    {
        foreach (var key in _keys)
        {
            if ((tried is null || !tried.Contains(key.Health)) && key.Health.IsAvailable())
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The next usable key, round-robin, skipping keys already tried for this request, cooling down, disabled or
    /// with an open circuit; null when none is usable.
    /// </summary>
    public ChannelKey? AcquireKey(IReadOnlySet<KeyHealth>? tried)
    {
        if (_keys.Length == 0)
        {
            return null;
        }
        var start = (int)((uint)Interlocked.Increment(ref _nextKey) % (uint)_keys.Length);
        for (var i = 0; i < _keys.Length; i++)
        {
            var key = _keys[(start + i) % _keys.Length];
            if ((tried is null || !tried.Contains(key.Health)) && key.Health.TryAcquire())
            {
                return key;
            }
        }
        return null;
    }
}
