using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace Switchyard.Admin.Ui;

/// <summary>One file of the web UI, read once from the assembly, with the headers it is served with.</summary>
internal sealed record UiAsset(string Path, byte[] Content, string ContentType, string ETag);

/// <summary>
/// The admin web UI's files, embedded in the assembly under <c>ui/</c> (no build step, nothing on disk to deploy),
/// loaded into memory once: the whole UI is a few dozen kilobytes.
/// </summary>
internal sealed class UiAssets
{
    private const string Prefix = "ui/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
        [".json"] = "application/json; charset=utf-8",
        [".txt"] = "text/plain; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, UiAsset> _files;

    public UiAssets() : this(typeof(UiAssets).Assembly)
    {
    }

    internal UiAssets(Assembly assembly)
    {
        var files = new Dictionary<string, UiAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }
            var path = name[Prefix.Length..];
            // A file type without a known content type is not served at all rather than sniffed by the browser.
            if (!ContentTypes.TryGetValue(System.IO.Path.GetExtension(path), out var contentType))
            {
                continue;
            }
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12)) + "\"";
            files[path] = new UiAsset(path, content, contentType, etag);
        }
        _files = files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public int Count => _files.Count;

    public IEnumerable<string> Paths => _files.Keys;

    /// <summary>The file at a path below <c>/ui/</c>; the empty path is the index page. Folders are never listed.</summary>
    public UiAsset? Find(string path)
    {
        if (path.Length == 0)
        {
            path = "index.html";
        }
        return _files.GetValueOrDefault(path);
    }
}
