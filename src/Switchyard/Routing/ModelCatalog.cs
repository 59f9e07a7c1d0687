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
        foreach (var channel in config.Channels)
        {
            foreach (var model in channel.Models)
            {
                names.TryAdd(model, model);
            }
            foreach (var requested in channel.ModelMap.Keys)
            {
                names.TryAdd(requested, requested);
            }
        }
        foreach (var model in config.Models)
        {
            names[model.Name] = model.Name;
            foreach (var alias in model.Aliases)
            {
                names[alias] = model.Name;
            }
        }
        _canonicalByName = names.ToFrozenDictionary(StringComparer.Ordinal);
        PublicNames = names.Keys.Order(StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<Channel> Channels { get; }

    /// <summary>Every name a client may request: models, aliases and mapped names.</summary>
    public IReadOnlyList<string> PublicNames { get; }

    public bool IsKnownGroup(string group) => _groups.ContainsKey(group) || _groups.Count == 0;

    /// <returns>The canonical model name, or null for a model nobody serves.</returns>
    public string? Canonical(string requested) => _canonicalByName.GetValueOrDefault(requested);

    public ModelConfig? Settings(string canonical) => _models.GetValueOrDefault(canonical);

    /// <summary>Whether a key of this group, narrowed to <paramref name="keyModels"/>, may use the model.</summary>
    public bool IsAllowed(string requested, string canonical, string group, IReadOnlyList<string> keyModels)
    {
        static bool Lists(IReadOnlyList<string> list, string requested, string canonical) =>
            list.Count == 0 || list.Contains(requested, StringComparer.Ordinal) || list.Contains(canonical, StringComparer.Ordinal);

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
