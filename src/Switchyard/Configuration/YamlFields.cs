using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Configuration;

/// <summary>
/// Reads typed values out of a YAML mapping while recording every problem with its field path,
/// so a bad config is reported whole rather than one error per start.
/// </summary>
internal sealed class YamlFields
{
    private readonly YamlMappingNode _node;
    private readonly string _path;
    private readonly ConfigProblems _problems;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public YamlFields(YamlMappingNode node, string path, ConfigProblems problems)
    {
        _node = node;
        _path = path;
        _problems = problems;
    }

    public string PathOf(string field) => _path.Length == 0 ? field : $"{_path}.{field}";

    private YamlNode? Find(string field)
    {
        _read.Add(field);
        foreach (var (key, value) in _node.Children)
        {
            if (key is YamlScalarNode { Value: { } name } && name == field)
            {
                return value is YamlScalarNode { Value: null or "" or "~" or "null", Style: not (YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted) } ? null : value;
            }
        }
        return null;
    }

    public string? String(string field, bool required = false)
    {
        var node = Find(field);
        if (node is null)
        {
            if (required)
            {
                _problems.Add(PathOf(field), "is required");
            }
            return null;
        }
        return _problems.Scalar(node, PathOf(field));
    }

    public long? Long(string field, long min = long.MinValue)
    {
        var text = String(field);
        if (text is null)
        {
            return null;
        }
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min)
        {
            _problems.Add(PathOf(field), min == long.MinValue ? $"must be an integer, got '{text}'" : $"must be an integer >= {min}, got '{text}'");
            return null;
        }
        return value;
    }

    public decimal? Decimal(string field)
    {
        var text = String(field);
        if (text is null)
        {
            return null;
        }
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            _problems.Add(PathOf(field), $"must be a non-negative decimal number, got '{text}'");
            return null;
        }
        return value;
    }

    public bool? Bool(string field)
    {
        var text = String(field);
        if (text is null)
        {
            return null;
        }
        if (text is not ("true" or "false"))
        {
            _problems.Add(PathOf(field), $"must be true or false, got '{text}'");
            return null;
        }
        return text == "true";
    }

    /// <summary>A scalar that must be one of <paramref name="allowed"/>.</summary>
    public string? OneOf(string field, params string[] allowed)
    {
        var text = String(field);
        if (text is null || allowed.Contains(text))
        {
            return text;
        }
        _problems.Add(PathOf(field), $"must be one of {string.Join(", ", allowed)}, got '{text}'");
        return null;
    }

    /// <summary>A field whose words name the values of <typeparamref name="T"/>, parsed once here; an unknown word is a problem.</summary>
    public T? Choice<T>(string field, IReadOnlyList<(string Word, T Value)> words) where T : struct, Enum
    {
        var text = String(field);
        if (text is null)
        {
            return null;
        }
        foreach (var (word, value) in words)
        {
            if (word == text)
            {
                return value;
            }
        }
        _problems.Add(PathOf(field), $"must be {string.Join(" or ", words.Select(w => w.Word))}, got '{text}'");
        return null;
    }

    public TimeSpan? Duration(string field)
    {
        var text = String(field);
        if (text is null)
        {
            return null;
        }
        if (!Configuration.Duration.TryParse(text, out var value))
        {
            _problems.Add(PathOf(field), $"must be a duration such as 500ms, 30s, 5m, 1h or 1d, got '{text}'");
            return null;
        }
        return value;
    }

    public DateTimeOffset? Timestamp(string field)
    {
        var text = String(field);
        if (text is null)
        {
            return null;
        }
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            _problems.Add(PathOf(field), $"must be a timestamp such as 2027-01-01T00:00:00Z, got '{text}'");
            return null;
        }
        return value;
    }

    /// <param name="readFiles">False for channel secrets: their <c>${file:PATH}</c> references are resolved at run time.</param>
    public IReadOnlyList<string> StringList(string field, bool readFiles = true)
    {
        var node = Find(field);
        if (node is null)
        {
            return [];
        }
        if (node is not YamlSequenceNode sequence)
        {
            _problems.Add(PathOf(field), "must be a list");
            return [];
        }
        var items = new List<string>(sequence.Children.Count);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (_problems.Scalar(sequence.Children[i], $"{PathOf(field)}[{i}]", readFiles) is { } item)
            {
                items.Add(item);
            }
        }
        return items;
    }

    public IReadOnlyDictionary<string, string> StringMap(string field, bool readFiles = true)
    {
        var node = Find(field);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is null)
        {
            return map;
        }
        if (node is not YamlMappingNode mapping)
        {
            _problems.Add(PathOf(field), "must be a mapping");
            return map;
        }
        foreach (var (key, value) in mapping.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (_problems.Scalar(value, $"{PathOf(field)}.{name}", readFiles) is { } text)
            {
                map[name] = text;
            }
        }
        return map;
    }

    /// <summary>A mapping whose values are mappings (<c>limits.models</c>); null when absent.</summary>
    public IReadOnlyDictionary<string, T>? MappingOfMappings<T>(string field, Func<YamlFields, T> read)
    {
        var node = Find(field);
        if (node is null)
        {
            return null;
        }
        if (node is not YamlMappingNode mapping)
        {
            _problems.Add(PathOf(field), "must be a mapping");
            return null;
        }
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var (key, value) in mapping.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (value is not YamlMappingNode inner)
            {
                _problems.Add($"{PathOf(field)}.{name}", "must be a mapping");
                continue;
            }
            result[name] = read(new YamlFields(inner, $"{PathOf(field)}.{name}", _problems));
        }
        return result;
    }

    public YamlFields? Mapping(string field)
    {
        var node = Find(field);
        if (node is null)
        {
            return null;
        }
        if (node is not YamlMappingNode mapping)
        {
            _problems.Add(PathOf(field), "must be a mapping");
            return null;
        }
        return new YamlFields(mapping, PathOf(field), _problems);
    }

    public IReadOnlyList<T> List<T>(string field, Func<YamlFields, T?> read) where T : class
    {
        var node = Find(field);
        if (node is null)
        {
            return [];
        }
        if (node is not YamlSequenceNode sequence)
        {
            _problems.Add(PathOf(field), "must be a list");
            return [];
        }
        var items = new List<T>(sequence.Children.Count);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var itemPath = $"{PathOf(field)}[{i}]";
            if (sequence.Children[i] is not YamlMappingNode mapping)
            {
                _problems.Add(itemPath, "must be a mapping");
                continue;
            }
            var fields = new YamlFields(mapping, itemPath, _problems);
            if (read(fields) is { } item)
            {
                items.Add(item);
            }
            fields.RejectUnknown();
        }
        return items;
    }

    /// <summary>Flags fields nobody read: a typo must not silently disable a limit.</summary>
    public void RejectUnknown()
    {
        foreach (var key in _node.Children.Keys)
        {
            if (key is YamlScalarNode { Value: { } name } && !_read.Contains(name))
            {
                _problems.Add(PathOf(name), "is not a known field");
            }
        }
    }
}

internal sealed class ConfigProblems(Func<string, string?> environment)
{
    private readonly List<string> _problems = [];

    public IReadOnlyList<string> All => _problems;

    public void Add(string path, string message) => _problems.Add($"{path}: {message}");

    public string? Scalar(YamlNode node, string path, bool readFiles = true)
    {
        if (node is not YamlScalarNode scalar)
        {
            Add(path, "must be a single value");
            return null;
        }
        var text = EnvironmentSubstitution.Expand(scalar.Value ?? "", environment, out var missing);
        if (text is null)
        {
            Add(path, $"environment variable {missing} is not set");
            return null;
        }
        if (readFiles && SecretFiles.HasReference(text))
        {
            text = SecretFiles.ExpandOnce(text, out var unreadable);
            if (text is null)
            {
                Add(path, $"secret file {unreadable} is missing or empty");
            }
        }
        return text;
    }
}
