using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Switchyard.Resp;

/// <summary>
/// Where and how to connect. Usually parsed from <c>redis://[[user]:password@]host[:port][/db]</c>; the
/// password is kept out of <see cref="ToString"/> and every message this client produces.
/// </summary>
public sealed record RedisOptions
{
    public const int DefaultPort = 6379;
    private const string Shape = "redis://[[user]:password@]host[:port][/db]";

    public required string Host { get; init; }

    public int Port { get; init; } = DefaultPort;

    /// <summary>ACL user name (Redis 6+); null authenticates as the default user.</summary>
    public string? User { get; init; }

    public string? Password { get; init; }

    public int Database { get; init; }

    /// <summary>How long a command may wait for its reply; <see cref="Timeout.InfiniteTimeSpan"/> disables it.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Bounds one connection attempt: TCP connect plus AUTH and SELECT.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Reconnect attempts back off exponentially up to this delay.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(2);

    public static RedisOptions Parse(string url) =>
        TryParse(url, out var options, out var error) ? options : throw new FormatException(error);

    /// <summary>Parses a redis:// URL. Errors describe the problem without quoting the URL, which may hold a password.</summary>
    public static bool TryParse(string? url, [NotNullWhen(true)] out RedisOptions? options, [NotNullWhen(false)] out string? error)
    {
        options = null;
        error = Check(url, out var parsed);
        options = parsed;
        return error is null;
    }

    /// <summary>Throws when a hand-built or modified options object cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new ArgumentException("Redis options need a host.");
        }
        if (Port is < 1 or > 65535)
        {
            throw new ArgumentException($"Redis port {Port} is outside 1-65535.");
        }
        if (Database < 0)
        {
            throw new ArgumentException($"Redis database {Database} is negative.");
        }
        // The upper bound keeps every wait within what timers accept (about 49 days).
        if ((CommandTimeout <= TimeSpan.Zero || CommandTimeout > TimeSpan.FromDays(1)) && CommandTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("Redis CommandTimeout must be positive and at most a day (or infinite).");
        }
        if (ConnectTimeout <= TimeSpan.Zero || MaxReconnectDelay <= TimeSpan.Zero || ConnectTimeout > TimeSpan.FromDays(1) || MaxReconnectDelay > TimeSpan.FromDays(1))
        {
            throw new ArgumentException("Redis ConnectTimeout and MaxReconnectDelay must be positive and at most a day.");
        }
        if (User is not null && Password is null)
        {
            throw new ArgumentException("A Redis user name needs a password.");
        }
    }

    /// <summary>The URL with the password replaced by ***: safe for logs and error messages.</summary>
    public override string ToString()
    {
        var credentials = Password is null ? "" : $"{Uri.EscapeDataString(User ?? "")}:***@";
        var host = Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;
        return $"redis://{credentials}{host}:{Port}/{Database}";
    }

    private static string? Check(string? url, out RedisOptions? options)
    {
        options = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            return $"The Redis URL is empty; expected {Shape}.";
        }
        url = url.Trim();
        if (url.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            return "TLS Redis URLs (rediss://) are not supported; use redis:// on a trusted network.";
        }
        const string scheme = "redis://";
        if (!url.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return $"The Redis URL must start with redis://; expected {Shape}.";
        }
        var rest = url.AsSpan(scheme.Length);
        if (rest.IndexOfAny('?', '#') >= 0)
        {
            return $"The Redis URL has a query or fragment, which is not supported; expected {Shape}.";
        }
        // The authority runs to the first slash after the last '@', so an unescaped '/' in a password
        // cannot make the remainder look like a path.
        var at = rest.LastIndexOf('@');
        var slash = rest[(at + 1)..].IndexOf('/');
        var authority = slash < 0 ? rest : rest[..(at + 1 + slash)];
        var path = slash < 0 ? [] : rest[(at + 1 + slash + 1)..];

        string? user = null;
        string? password = null;
        if (at >= 0)
        {
            var userInfo = authority[..at];
            var colon = userInfo.IndexOf(':');
            if (colon < 0)
            {
                return $"The Redis URL names a user but no password; expected {Shape}.";
            }
            user = colon == 0 ? null : Uri.UnescapeDataString(userInfo[..colon].ToString());
            password = Uri.UnescapeDataString(userInfo[(colon + 1)..].ToString());
            authority = authority[(at + 1)..];
        }

        if (!TrySplitHostPort(authority, out var host, out var port, out var hostError))
        {
            return hostError;
        }
        var database = 0;
        if (!path.IsEmpty && !int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out database))
        {
            return $"The Redis URL's database must be a non-negative number; expected {Shape}.";
        }
        options = new RedisOptions { Host = host, Port = port, User = user, Password = password, Database = database };
        return null;
    }

    private static bool TrySplitHostPort(ReadOnlySpan<char> authority, out string host, out int port, out string? error)
    {
        host = "";
        port = DefaultPort;
        error = null;
        ReadOnlySpan<char> portText = [];
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                error = "The Redis URL has an IPv6 host without a closing ']'.";
                return false;
            }
            host = authority[1..close].ToString();
            var after = authority[(close + 1)..];
            if (!after.IsEmpty)
            {
                if (after[0] != ':')
                {
                    error = "The Redis URL has text after its IPv6 host that is not a port.";
                    return false;
                }
                portText = after[1..];
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = (colon < 0 ? authority : authority[..colon]).ToString();
            portText = colon < 0 ? [] : authority[(colon + 1)..];
            if (colon >= 0 && portText.IsEmpty)
            {
                error = "The Redis URL has an empty port after ':'.";
                return false;
            }
            if (host.Contains(':', StringComparison.Ordinal))
            {
                error = "The Redis URL has an IPv6 host without [brackets].";
                return false;
            }
        }
        if (host.Length == 0 || host.AsSpan().ContainsAny(" @/"))
        {
            error = $"The Redis URL has no valid host; expected {Shape}.";
            return false;
        }
        if (!portText.IsEmpty && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            error = "The Redis URL's port must be a number from 1 to 65535.";
            return false;
        }
        return true;
    }
}
