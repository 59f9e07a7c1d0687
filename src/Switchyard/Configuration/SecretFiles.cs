using System.Collections.Concurrent;
using System.Text;

namespace Switchyard.Configuration;

/// <summary>
/// Secrets a secrets agent (Vault Agent, a Kubernetes secret mount, systemd credentials) writes to files: a channel's
/// <c>keys_file</c> (one key a line) and <c>${file:PATH}</c> references. Channel secrets are read by the running
/// gateway and re-read when a file changes; the last good content of each file is kept, so a file that goes missing or
/// empty is reported (<see cref="Problems"/>) while requests keep the keys read before, and a channel whose file was
/// never readable is skipped rather than called without its keys. Content lives in memory only, never in the database.
/// </summary>
public sealed class SecretFiles
{
    /// <summary>What follows <c>${</c> in a file reference.</summary>
    public const string Prefix = "file:";
    private const string Opening = "${" + Prefix;

    /// <summary>A secrets file is a few keys; anything larger is refused rather than held in memory.</summary>
    private const long MaxBytes = 1024 * 1024;

    private sealed record FileState(string? Content, string? Problem);

    private readonly ConcurrentDictionary<string, FileState> _files = new(StringComparer.Ordinal);

    public static bool HasReference(string text) => text.Contains(Opening, StringComparison.Ordinal);

    /// <summary>Expands every <c>${file:PATH}</c> in a config value now (settings other than channel secrets).</summary>
    /// <returns>The value, or null with <paramref name="unreadable"/> naming a missing or empty file.</returns>
    public static string? ExpandOnce(string text, out string? unreadable) => Substitute(text, ReadAtStart, out unreadable);

    /// <summary>The files a channel's secrets name.</summary>
    public static IEnumerable<string> Referenced(ChannelConfig channel)
    {
        if (channel.KeysFile is { } keysFile)
        {
            yield return keysFile;
        }
        foreach (var value in channel.Keys.Concat(channel.Headers.Values))
        {
            foreach (var path in PathsIn(value))
            {
                yield return path;
            }
        }
    }

    /// <summary>Each file that cannot serve now, with why ("missing", "empty", "unreadable", "too large").</summary>
    public IReadOnlyList<(string Path, string Problem)> Problems =>
        [.. _files.Where(f => f.Value.Problem is not null).Select(f => (f.Key, f.Value.Problem!)).OrderBy(f => f.Key, StringComparer.Ordinal)];

    /// <summary>Reads <paramref name="paths"/> again and forgets files no longer named.</summary>
    /// <returns>True when a file's content or problem changed since the last read.</returns>
    public async Task<bool> RefreshAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var changed = false;
        var named = new HashSet<string>(paths, StringComparer.Ordinal);
        foreach (var path in named)
        {
            var (content, problem) = await ReadAsync(path, cancellationToken);
            var before = _files.GetValueOrDefault(path);
            var after = content is null ? new FileState(before?.Content, problem) : new FileState(content, null);
            if (after != before)
            {
                _files[path] = after;
                changed = true;
            }
        }
        foreach (var path in _files.Keys)
        {
            if (!named.Contains(path))
            {
                changed |= _files.TryRemove(path, out _);
            }
        }
        return changed;
    }

    /// <summary>The channel with its file secrets filled in from the last good reads.</summary>
    public ChannelConfig Resolve(ChannelConfig channel)
    {
        if (channel.KeysFile is null && !channel.Keys.Any(HasReference) && !channel.Headers.Values.Any(HasReference))
        {
            return channel;
        }
        var missing = false;
        var keys = new List<string>(channel.Keys.Count);
        foreach (var key in channel.Keys)
        {
            if (Substitute(key, Current, out _) is { } value)
            {
                keys.Add(value);
            }
            else
            {
                missing = true;
            }
        }
        if (channel.KeysFile is { } keysFile)
        {
            if (Current(keysFile) is { } content)
            {
                keys.AddRange(KeyLines(content));
            }
            else
            {
                missing = true;
            }
        }
        var headers = new Dictionary<string, string>(channel.Headers.Count, StringComparer.Ordinal);
        foreach (var (name, template) in channel.Headers)
        {
            if (Substitute(template, Current, out _) is { } value)
            {
                headers[name] = value;
            }
            else
            {
                missing = true;
            }
        }
        return channel with { Keys = keys, Headers = headers, SecretsMissing = missing };
    }

    /// <summary>One key a line; blank lines and <c>#</c> comments are skipped.</summary>
    public static IEnumerable<string> KeyLines(string content) =>
        content.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));

    private string? Current(string path) => _files.GetValueOrDefault(path)?.Content;

    private static IEnumerable<string> PathsIn(string text)
    {
        var at = 0;
        while ((at = text.IndexOf(Opening, at, StringComparison.Ordinal)) >= 0)
        {
            var end = text.IndexOf('}', at);
            if (end < 0)
            {
                yield break;
            }
            yield return text[(at + Opening.Length)..end];
            at = end + 1;
        }
    }

    private static string? Substitute(string text, Func<string, string?> read, out string? unreadable)
    {
        unreadable = null;
        if (!HasReference(text))
        {
            return text;
        }
        var result = new StringBuilder(text.Length);
        var at = 0;
        while (true)
        {
            var start = text.IndexOf(Opening, at, StringComparison.Ordinal);
            var end = start < 0 ? -1 : text.IndexOf('}', start);
            if (end < 0)
            {
                result.Append(text, at, text.Length - at);
                return result.ToString();
            }
            var path = text[(start + Opening.Length)..end];
            if (read(path) is not { } value)
            {
                unreadable = path;
                return null;
            }
            result.Append(text, at, start - at).Append(value);
            at = end + 1;
        }
    }

    private static string? ReadAtStart(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > MaxBytes)
            {
                return null;
            }
            var text = File.ReadAllText(path).Trim();
            return text.Length == 0 ? null : text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static async Task<(string? Content, string? Problem)> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, useAsync: true);
            if (stream.Length > MaxBytes)
            {
                return (null, "too large");
            }
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var text = (await reader.ReadToEndAsync(cancellationToken)).Trim();
            return text.Length == 0 ? (null, "empty") : (text, null);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return (null, "missing");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, "unreadable");
        }
    }
}
