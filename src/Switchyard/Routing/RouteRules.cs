using System.Collections.Frozen;
using Switchyard.Configuration;

namespace Switchyard.Routing;

/// <summary>What a routing rule may look at in one request; the relay answers each question only when a rule asks it.</summary>
public interface IRouteRequest
{
    string? Header(string name);
    string Group { get; }
    string KeyName { get; }

    /// <summary>Stable per key (its id), for sticky splits.</summary>
    string KeyId { get; }
    string Protocol { get; }
    long PromptTokens { get; }
    bool Tools { get; }
    bool Images { get; }
    bool Reasoning { get; }
}

/// <summary>The rule that matched (and the split's arm, if any) and where it sends the request.</summary>
public sealed record RouteDecision(string Rule, string? Arm, string? Model, FrozenSet<string>? Channels);

/// <summary>
/// The config's <c>routes:</c> and those stored through the admin API, compiled once per snapshot: tried in order (disabled ones skipped), the first rule whose model pattern and
/// conditions match decides. A split picks its arm from a hash of the rule and the caller (key or header value), so a
/// caller stays on one arm across requests and instances while the percentages stay.
/// </summary>
public sealed class RouteRules
{
    private sealed record Arm(string Name, int UpTo, string? Model, FrozenSet<string>? Channels);

    private sealed record Rule(RouteRuleConfig Config, FrozenSet<string>? Groups, FrozenSet<string>? Keys, FrozenSet<string>? Protocols,
        RouteDecision? Fixed, Arm[]? Arms, string? StickyHeader);

    /// <summary>Basis points: a percentage with two decimals is exact.</summary>
    private const int Buckets = 10_000;

    private readonly Rule[] _rules;

    public RouteRules(IReadOnlyList<RouteRuleConfig> rules)
    {
        _rules = [.. rules.Where(r => r.Enabled).Select(Compile)];
        Arms = [.. rules.Where(r => r.Enabled).SelectMany(r => r.Split is { } split ? split.Arms.Select(a => (r.Name, a.Name)) : [])];
    }

    public static readonly RouteRules None = new([]);

    public bool IsEmpty => _rules.Length == 0;

    /// <summary>Every (rule, arm) pair of the enabled rules: the bounded set the <c>arm</c> metric label takes.</summary>
    public IReadOnlyList<(string Rule, string Arm)> Arms { get; }

    public RouteDecision? Match(string requested, string canonical, IRouteRequest request)
    {
        foreach (var rule in _rules)
        {
            var config = rule.Config;
            if (!ModelGlob.IsMatch(config.Model, requested) && !ModelGlob.IsMatch(config.Model, canonical))
            {
                continue;
            }
            if (!Holds(rule, request))
            {
                continue;
            }
            return rule.Fixed ?? PickArm(rule, request);
        }
        return null;
    }

    private static bool Holds(Rule rule, IRouteRequest request)
    {
        var when = rule.Config.When;
        foreach (var (name, value) in when.Headers)
        {
            var actual = request.Header(name);
            if (actual is null || (value != "*" && !string.Equals(actual, value, StringComparison.Ordinal)))
            {
                return false;
            }
        }
        return (rule.Groups is null || rule.Groups.Contains(request.Group))
            && (rule.Keys is null || rule.Keys.Contains(request.KeyName))
            && (rule.Protocols is null || rule.Protocols.Contains(request.Protocol))
            && (when.MinPromptTokens is null || request.PromptTokens >= when.MinPromptTokens)
            && (when.MaxPromptTokens is null || request.PromptTokens <= when.MaxPromptTokens)
            && (when.Tools is null || request.Tools == when.Tools)
            && (when.Images is null || request.Images == when.Images)
            && (when.Reasoning is null || request.Reasoning == when.Reasoning);
    }

    private static RouteDecision PickArm(Rule rule, IRouteRequest request)
    {
        var caller = rule.StickyHeader is { } header && request.Header(header) is { Length: > 0 } value ? "h:" + value : "k:" + request.KeyId;
        var bucket = Bucket(rule.Config.Name, caller);
        var arms = rule.Arms!;
        var arm = arms.FirstOrDefault(a => bucket < a.UpTo) ?? arms[^1];
        return new RouteDecision(rule.Config.Name, arm.Name, arm.Model, arm.Channels);
    }

    /// <summary>FNV-1a over the rule and the caller: stable across processes and restarts, unlike string.GetHashCode.</summary>
    public static int Bucket(string rule, string caller)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in rule)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        hash = (hash ^ '\n') * 1099511628211UL;
        foreach (var c in caller)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        // Fold the high bits in: FNV's low bits alone spread short inputs poorly.
        hash ^= hash >> 29;
        hash *= 0xBF58476D1CE4E5B9UL;
        hash ^= hash >> 32;
        return (int)(hash % Buckets);
    }

    private static FrozenSet<string>? SetOf(IReadOnlyList<string> items) => items.Count == 0 ? null : items.ToFrozenSet(StringComparer.Ordinal);

    private static Rule Compile(RouteRuleConfig config)
    {
        var when = config.When;
        RouteDecision? fixedTarget = config.Target is { } target ? new RouteDecision(config.Name, null, target.Model, SetOf(target.Channels)) : null;
        Arm[]? arms = null;
        if (config.Split is { } split)
        {
            var upTo = 0;
            arms = [.. split.Arms.Select(a =>
            {
                upTo += (int)Math.Round(a.Percent * (Buckets / 100), MidpointRounding.ToZero);
                return new Arm(a.Name, upTo, a.Model, SetOf(a.Channels));
            })];
        }
        var stickyHeader = config.Split?.Sticky is { } sticky && sticky.StartsWith("header:", StringComparison.Ordinal) ? sticky["header:".Length..] : null;
        return new Rule(config, SetOf(when.Groups), SetOf(when.Keys), SetOf(when.Protocols), fixedTarget, arms, stickyHeader);
    }
}
