using System.Runtime.CompilerServices;

namespace Switchyard.Telemetry.Metrics;

/// <summary>
/// The label names and values of one series, in the order the instrument was recorded with. Created once per
/// series; later measurements find it through <see cref="LabelSetComparer"/> without allocating.
/// </summary>
internal sealed class LabelSet
{
    public LabelSet(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        Names = new string[tags.Length];
        Values = new string[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            Names[i] = tags[i].Key;
            Values[i] = LabelSetComparer.Text(tags[i].Value);
        }
        Hash = LabelSetComparer.HashOf(tags);
        // From the tags themselves: a set whose values are not all the tags' own strings (a number kept as its text)
        // can never be matched by identity anyway, so its identity hash need not agree with its stored text.
        IdentityHash = LabelSetIdentityComparer.HashOf(tags);
    }

    public string[] Names { get; }
    public string[] Values { get; }
    public int Hash { get; }

    /// <summary>The hash of the very string instances this set was created from (see <see cref="LabelSetIdentityComparer"/>).</summary>
    public int IdentityHash { get; }
}

/// <summary>
/// Matches a measurement's tags to a stored label set by reference: the same name and value string instances it was
/// created from. Label values are nearly always the configuration's own strings (model, channel and group names) and
/// literals, so this finds a series without hashing any text, which was most of a measurement's cost. A miss (an equal
/// string in another instance, a number) is not an error: the lookup by content follows.
/// </summary>
internal sealed class LabelSetIdentityComparer : IEqualityComparer<LabelSet>, IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, LabelSet>
{
    public static LabelSetIdentityComparer Instance { get; } = new();

    public static int HashOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var hash = new HashCode();
        foreach (var (name, value) in tags)
        {
            hash.Add(RuntimeHelpers.GetHashCode(name));
            hash.Add(RuntimeHelpers.GetHashCode(value));
        }
        return hash.ToHashCode();
    }

    public bool Equals(LabelSet? x, LabelSet? y) => ReferenceEquals(x, y);

    public int GetHashCode(LabelSet obj) => obj.IdentityHash;

    public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, LabelSet other)
    {
        if (alternate.Length != other.Names.Length)
        {
            return false;
        }
        for (var i = 0; i < alternate.Length; i++)
        {
            if (!ReferenceEquals(alternate[i].Key, other.Names[i]) || !ReferenceEquals(alternate[i].Value, other.Values[i]))
            {
                return false;
            }
        }
        return true;
    }

    public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => HashOf(alternate);

    public LabelSet Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => new(alternate);
}

/// <summary>Compares stored label sets with the tag span of a measurement, so the lookup needs no key object.</summary>
internal sealed class LabelSetComparer : IEqualityComparer<LabelSet>, IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, LabelSet>
{
    public static LabelSetComparer Instance { get; } = new();

    public static string Text(object? value) => value switch
    {
        string s => s,
        null => "",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static int HashOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var hash = new HashCode();
        foreach (var (name, value) in tags)
        {
            hash.Add(name);
            // Non-string values are rare (instruments here record strings); their text keeps hashing consistent.
            hash.Add(value as string ?? Text(value));
        }
        return hash.ToHashCode();
    }

    public bool Equals(LabelSet? x, LabelSet? y) => ReferenceEquals(x, y)
        || (x is not null && y is not null && x.Hash == y.Hash && x.Names.AsSpan().SequenceEqual(y.Names) && x.Values.AsSpan().SequenceEqual(y.Values));

    public int GetHashCode(LabelSet obj) => obj.Hash;

    public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, LabelSet other)
    {
        if (alternate.Length != other.Names.Length)
        {
            return false;
        }
        for (var i = 0; i < alternate.Length; i++)
        {
            var (name, value) = alternate[i];
            if (!string.Equals(name, other.Names[i], StringComparison.Ordinal)
                || !string.Equals(value as string ?? Text(value), other.Values[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => HashOf(alternate);

    public LabelSet Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => new(alternate);
}
