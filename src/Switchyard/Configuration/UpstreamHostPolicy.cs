using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Switchyard.Configuration;

/// <summary><c>security.upstream_hosts</c>: address ranges channel targets may or may not use.</summary>
public sealed record UpstreamHostsConfig
{
    public IReadOnlyList<string> Allow { get; init; } = [];
    public IReadOnlyList<string> Deny { get; init; } = [];
}

/// <summary>
/// Which upstream addresses a channel may reach. Cloud metadata services and link-local addresses are refused by
/// default: a channel (from the config or the admin API) pointing there would make the gateway fetch instance
/// credentials for whoever can read its answers. Loopback and private ranges stay allowed (vLLM, Ollama live there).
/// Rules: a configured <c>deny</c> range always wins; a configured <c>allow</c> range overrides a built-in default
/// deny when it is at least as specific (so <c>0.0.0.0/0</c> does not re-open metadata, <c>169.254.10.0/24</c> does);
/// everything else is allowed. Checked on literal addresses and host names when a channel is configured, and on
/// every resolved address when the gateway connects (a name that resolves to a refused address is refused too).
/// </summary>
public sealed class UpstreamHostPolicy
{
    /// <summary>Link-local (IPv4 and IPv6, where the AWS/Azure/GCP/OCI metadata services live), AWS's IPv6 IMDS, Alibaba's metadata.</summary>
    public static readonly IReadOnlyList<string> DefaultDeny = ["169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128", "100.100.100.200/32"];

    /// <summary>Host names of metadata services, refused by name before any lookup.</summary>
    public static readonly IReadOnlySet<string> MetadataHostNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal", "metadata.tencentyun.com",
        "metadata.platformequinix.com",
    };

    private static readonly ConditionalWeakTable<UpstreamHostsConfig, UpstreamHostPolicy> Cache = [];
    private static readonly IPNetwork[] Defaults = [.. DefaultDeny.Select(d => IPNetwork.Parse(d))];

    private readonly IPNetwork[] _allow;
    private readonly IPNetwork[] _deny;

    private UpstreamHostPolicy(IPNetwork[] allow, IPNetwork[] deny)
    {
        _allow = allow;
        _deny = deny;
    }

    /// <summary>The policy of a validated config section, built once per section.</summary>
    public static UpstreamHostPolicy For(UpstreamHostsConfig config) => Cache.GetValue(config, static c => new UpstreamHostPolicy(Ranges(c.Allow), Ranges(c.Deny)));

    private static IPNetwork[] Ranges(IReadOnlyList<string> texts)
    {
        var ranges = new List<IPNetwork>(texts.Count);
        foreach (var text in texts)
        {
            // Invalid entries are reported by the validator; a config that reached here has none.
            if (TryParseRange(text, out var range))
            {
                ranges.Add(range);
            }
        }
        return [.. ranges];
    }

    /// <summary>A CIDR range, or a bare address meaning just that address.</summary>
    public static bool TryParseRange(string text, out IPNetwork range)
    {
        if (IPNetwork.TryParse(text, out range))
        {
            return true;
        }
        if (IPAddress.TryParse(text, out var address))
        {
            range = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        return false;
    }

    public bool Allows(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        foreach (var range in _deny)
        {
            if (range.Contains(address))
            {
                return false;
            }
        }
        foreach (var range in Defaults)
        {
            if (range.Contains(address) && !_allow.Any(a => a.PrefixLength >= range.PrefixLength && a.Contains(address)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Why a channel's <c>base_url</c> may not be used, or null. Names are resolved only at connect time.</summary>
    /// <param name="listen">The gateway's own <c>server.listen</c>: a channel pointing there would loop.</param>
    public string? Refuse(Uri baseUrl, string? listen)
    {
        var host = Bare(baseUrl.IdnHost);
        if (MetadataHostNames.Contains(host))
        {
            return $"'{host}' is a cloud metadata service, not an upstream";
        }
        if (IPAddress.TryParse(host, out var literal) && !Allows(literal))
        {
            return $"{literal} is a link-local or metadata address, or in security.upstream_hosts.deny (allow it there if it really is an upstream)";
        }
        if (listen is not null && Uri.TryCreate(listen, UriKind.Absolute, out var own) && own.Port != 0 && own.Port == baseUrl.Port)
        {
            var ownHost = Bare(own.IdnHost);
            var ownWildcard = ownHost is "0.0.0.0" or "::";
            if (string.Equals(ownHost, host, StringComparison.OrdinalIgnoreCase) || (IsLocal(host) && (ownWildcard || IsLocal(ownHost))))
            {
                return $"it points at the gateway itself (server.listen {listen}); requests would loop";
            }
        }
        return null;
    }

    private static string Bare(string host) => host.Trim('[', ']').TrimEnd('.');

    private static bool IsLocal(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
}
