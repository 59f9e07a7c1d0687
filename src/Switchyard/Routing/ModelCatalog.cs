using System.Collections.Frozen;
using Switchyard.Configuration;

namespace Switchyard.Routing;

/// <summary>One candidate for serving a request: the channel and the model name to send it.</summary>
public sealed record ChannelRoute(Channel Channel, string UpstreamModel);

/// <summary>The key an attempt uses: its secret (null for keyless upstreams) and its health.</summary>
public sealed record ChannelKey(string? Secret, Resilience.KeyHealth Health);

/// <summary>The immutable routing view of the config: aliases, model settings, channels, groups.</summary>
public sealed class ModelCatalog
{
    private readonly FrozenDictionary<string, string> _canonicalByName;

    /// <summary>Alias patterns (value: the model they resolve to) and channel patterns (value: null, the name itself).</summary>
    private readonly ModelGlobTable<string?> _canonicalByPattern;
    private readonly FrozenDictionary<string, ModelConfig> _models;
    private readonly FrozenDictionary<string, GroupConfig> _groups;

    /// <param name="previous">The catalog being replaced on reload: unchanged channel keys keep their health.</param>
    public ModelCatalog(GatewayConfig config, TimeProvider time, ModelCatalog? previous = null)
    {
        Channels = config.Channels
            .Select(c => new Channel(c, config.Router, time, previous?.Channels.FirstOrDefault(p => p.Name == c.Name)))
            .ToList();
        _models = config.Models.ToFrozenDictionary(m => m.Name, StringComparer.Ordinal);
        _groups = config.Groups.ToFrozenDictionary(g => g.Name, StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var channelPatterns = new List<(string, string?)>();
        var aliasPatterns = new List<(string, string?)>();
        foreach (var channel in config.Channels)
        {
            foreach (var model in channel.Models.Concat(channel.ModelMap.Keys))
            {
                if (ModelGlob.IsPattern(model))
                {
                    channelPatterns.Add((model, null));
                }
                else
                {
                    names.TryAdd(model, model);
                }
            }
        }
        foreach (var model in config.Models)
        {
            names[model.Name] = model.Name;
            foreach (var alias in model.Aliases)
            {
                if (ModelGlob.IsPattern(alias))
                {
                    aliasPatterns.Add((alias, model.Name));
                }
                else
                {
                    names[alias] = model.Name;
                }
            }
        }
        _canonicalByName = names.ToFrozenDictionary(StringComparer.Ordinal);
        // Equally specific patterns keep declaration order: aliases, which name a target, before channel entries.
        _canonicalByPattern = new ModelGlobTable<string?>(aliasPatterns.Concat(channelPatterns));
        PublicNames = names.Keys.Order(StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<Channel> Channels { get; }

    /// <summary>Every concrete name a client may request: models, aliases and mapped names (never a pattern).</summary>
    public IReadOnlyList<string> PublicNames { get; }

    public bool IsKnownGroup(string group) => _groups.ContainsKey(group) || _groups.Count == 0;

    /// <returns>
    /// The canonical model name, or null for a model nobody serves. An exact name wins; otherwise the most specific
    /// pattern: an alias pattern resolves to its model, a channel's pattern to the requested name itself.
    /// </returns>
    public string? Canonical(string requested)
    {
        if (_canonicalByName.TryGetValue(requested, out var canonical))
        {
            return canonical;
        }
        return _canonicalByPattern.TryMatch(requested, out _, out var target) ? target ?? requested : null;
    }

    public ModelConfig? Settings(string canonical) => _models.GetValueOrDefault(canonical);

    /// <summary>Whether a key of this group, narrowed to <paramref name="keyModels"/>, may use the model.</summary>
    public bool IsAllowed(string requested, string canonical, string group, IReadOnlyList<string> keyModels)
    {
        static bool Lists(IReadOnlyList<string> list, string requested, string canonical)
        {
            if (list.Count == 0)
            {
                return true;
            }
            foreach (var entry in list)
            {
                if (entry == requested || entry == canonical
                    || (ModelGlob.IsPattern(entry) && (ModelGlob.IsMatch(entry, requested) || ModelGlob.IsMatch(entry, canonical))))
                {
                    return true;
                }
            }
            return false;
        }

        var groupModels = _groups.GetValueOrDefault(group)?.Models ?? [];
        return Lists(groupModels, requested, canonical) && Lists(keyModels, requested, canonical);
    }

    /// <summary>Channels that serve the model and are open to the group, best tier first.</summary>
    public List<ChannelRoute> Candidates(string requested, string canonical, string group)
    {
        var routes = new List<ChannelRoute>();
        foreach (var channel in Channels)
        {
            if (channel.IsOpenTo(group) && channel.UpstreamModelFor(requested, canonical) is { } upstream)
            {
                routes.Add(new ChannelRoute(channel, upstream));
            }
        }
        return routes;
    }
}
