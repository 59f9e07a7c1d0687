using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Switchyard.Admin;

/// <summary>
/// Failed web UI logins, counted in memory before any database read, password check or audit write. A name is locked
/// per (name, source address) after <see cref="MaxFailuresPerName"/> failures, and an address after
/// <see cref="MaxFailuresPerAddress"/> failures across names, each for <see cref="Window"/> after its last failure: an
/// attacker locks only itself out, never the account from elsewhere. A try takes its place in both counts before its
/// password is checked (and gives it back when it succeeds), so parallel tries cannot exceed the limits.
/// IPv6 addresses count by their /64, which one client usually holds whole. The counts live in this instance only.
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int MaxFailuresPerName = 5;
    public const int MaxFailuresPerAddress = 20;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    // Past this many tracked addresses new ones are refused: memory stays bounded when very many addresses attack at once.
    private const int MaxAddresses = 100_000;
    private const int MaxNameKeyLength = 128;

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Name, string Address), Count> _names = [];
    private readonly Dictionary<string, AddressCount> _addresses = new(StringComparer.Ordinal);
    private readonly List<UnknownNameTries> _summaries = [];
    private DateTimeOffset _nextSweep;

    private class Count
    {
        public int Failures;
        public DateTimeOffset Until;
        public bool RefusalAudited;
    }

    private sealed class AddressCount : Count
    {
        public int UnknownNames;
        public DateTimeOffset FirstUnknown;
        public DateTimeOffset LastUnknown;
    }

    /// <summary>Reserves one password check for this name from this address, or refuses it.</summary>
    public LoginAttempt Begin(string name, IPAddress? address)
    {
        var key = (NameKey(name), AddressKey(address));
        var now = time.GetUtcNow();
        lock (_lock)
        {
            Sweep(now);
            if (!_addresses.TryGetValue(key.Item2, out var byAddress))
            {
                if (_addresses.Count >= MaxAddresses)
                {
                    return new LoginAttempt(key.Item1, key.Item2, false, Window, false);
                }
                byAddress = new AddressCount();
                _addresses[key.Item2] = byAddress;
            }
            Expire(byAddress, key.Item2, now);
            if (_names.TryGetValue(key, out var byName) && byName.Until <= now)
            {
                _names.Remove(key);
                byName = null;
            }
            Count? full = byName?.Failures >= MaxFailuresPerName ? byName : byAddress.Failures >= MaxFailuresPerAddress ? byAddress : null;
            if (full is not null)
            {
                var firstRefusal = !full.RefusalAudited;
                full.RefusalAudited = true;
                return new LoginAttempt(key.Item1, key.Item2, false, full.Until - now, firstRefusal);
            }
            // Counted only when a check is reserved, so refused tries with ever new names add nothing to memory.
            if (byName is null)
            {
                byName = new Count();
                _names[key] = byName;
            }
            byName.Failures++;
            byName.Until = now + Window;
            byAddress.Failures++;
            byAddress.Until = now + Window;
            return new LoginAttempt(key.Item1, key.Item2, true, null, false);
        }
    }

    /// <summary>The password was right: this name's count from this address ends, and the reservation leaves the address count.</summary>
    public void Succeeded(LoginAttempt attempt)
    {
        lock (_lock)
        {
            _names.Remove((attempt.NameKey, attempt.AddressKey));
            if (_addresses.TryGetValue(attempt.AddressKey, out var byAddress) && byAddress.Failures > 0)
            {
                byAddress.Failures--;
            }
        }
    }

    /// <summary>
    /// The try failed (its reservation stays counted). Returns whether to audit it on its own: always for an existing
    /// name; for unknown names only the first from an address in a window; the others are counted and reported by
    /// <see cref="TakeUnknownNameSummaries"/> once the window has passed.
    /// </summary>
    public bool Failed(LoginAttempt attempt, bool unknownName)
    {
        if (!unknownName)
        {
            return true;
        }
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_addresses.TryGetValue(attempt.AddressKey, out var byAddress))
            {
                return true;
            }
            byAddress.UnknownNames++;
            byAddress.LastUnknown = now;
            if (byAddress.UnknownNames == 1)
            {
                byAddress.FirstUnknown = now;
                return true;
            }
            return false;
        }
    }

    /// <summary>An admin unlocked the user: its counts from every address end.</summary>
    public void Unlock(string name)
    {
        var nameKey = NameKey(name);
        lock (_lock)
        {
            foreach (var key in _names.Keys.Where(k => k.Name == nameKey).ToList())
            {
                _names.Remove(key);
            }
        }
    }

    /// <summary>Unknown-name tries not audited one by one, per address, for windows that have ended.</summary>
    public IReadOnlyList<UnknownNameTries> TakeUnknownNameSummaries()
    {
        lock (_lock)
        {
            Sweep(time.GetUtcNow());
            if (_summaries.Count == 0)
            {
                return [];
            }
            var taken = _summaries.ToList();
            _summaries.Clear();
            return taken;
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        if (now < _nextSweep)
        {
            return;
        }
        _nextSweep = now + TimeSpan.FromMinutes(1);
        foreach (var (address, count) in _addresses.Where(p => p.Value.Until <= now).ToList())
        {
            Expire(count, address, now);
            _addresses.Remove(address);
        }
        foreach (var key in _names.Where(p => p.Value.Until <= now).Select(p => p.Key).ToList())
        {
            _names.Remove(key);
        }
    }

    private void Expire(AddressCount count, string address, DateTimeOffset now)
    {
        if (count.Until > now)
        {
            return;
        }
        if (count.UnknownNames > 1)
        {
            // The first was audited when it happened.
            _summaries.Add(new UnknownNameTries(address, count.UnknownNames - 1, count.FirstUnknown, count.LastUnknown));
        }
        count.Failures = 0;
        count.UnknownNames = 0;
        count.RefusalAudited = false;
    }

    private static string NameKey(string name) =>
        name.Length <= MaxNameKeyLength ? name : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    private static string AddressKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        bytes.AsSpan(8).Clear();
        return new IPAddress(bytes) + "/64";
    }
}

/// <summary>One login try as <see cref="LoginThrottle"/> saw it: allowed (a password check reserved) or refused until <see cref="RetryAfter"/>.</summary>
public readonly record struct LoginAttempt(string NameKey, string AddressKey, bool Allowed, TimeSpan? RetryAfter, bool FirstRefusal);

/// <summary>Failed tries with names nobody has, from one address, after the first (which was audited on its own).</summary>
public sealed record UnknownNameTries(string Address, int Tries, DateTimeOffset First, DateTimeOffset Last);
