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
        BaseUrl = new Uri(config.BaseUrl.TrimEnd('/') + "/");
        // A keyless upstream (a local Ollama) still gets one health slot; a channel whose key file was never readable
        // gets none, so it is skipped instead of called without its keys.
        string?[] secrets = config.SecretsMissing && config.Keys.Count == 0 ? [] : config.Keys.Count == 0 ? [null] : config.Keys.Select(k => (string?)k).ToArray();
        var sameBreaker = previous is not null && previous._router == router;
        _router = router;
        _keys = secrets.Select((secret, i) =>
            sameBreaker && i < previous!._keys.Length && previous._keys[i].Secret == secret
                ? previous._keys[i]
                : new ChannelKey(secret, new KeyHealth(config.Name, i, router.AllowedFails, router.Cooldown, time, router.FailureRate, router.MinRequests))).ToArray();
    }

    private readonly RouterConfig _router;

    public ChannelConfig Config { get; }
    public string Name => Config.Name;
    public Uri BaseUrl { get; }
    public IReadOnlyList<ChannelKey> Keys => _keys;

    /// <summary>Upstream model name for the requested (or canonical) name, if this channel serves it.</summary>
    public string? UpstreamModelFor(string requested, string canonical)
    {
        if (Config.ModelMap.TryGetValue(requested, out var mapped) || Config.ModelMap.TryGetValue(canonical, out mapped))
        {
            return mapped;
        }
        return Config.Models.Contains(canonical, StringComparer.Ordinal) ? canonical
            : Config.Models.Contains(requested, StringComparer.Ordinal) ? requested
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
