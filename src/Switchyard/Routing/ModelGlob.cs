namespace Switchyard.Routing;

/// <summary>
/// A model-name pattern such as <c>claude-opus-*</c> or <c>gemini-*-flash*</c>: <c>*</c> matches any run of characters
/// (none included), <c>?</c> exactly one, every other character itself (case-sensitive, as model names are).
/// Matching allocates nothing, so it may run per request.
/// </summary>
public static class ModelGlob
{
    /// <summary>Whether the name is a pattern rather than a concrete model name.</summary>
    public static bool IsPattern(string name) => name.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>
    /// How specific a pattern is, larger first: its literal characters, then fewer <c>*</c>. So for
    /// <c>gemini-3.8-flash</c>, <c>gemini-*-flash</c> (13 literals) beats <c>gemini-*</c> (7), and
    /// <c>gemini-?.?-flash</c> (14) beats both.
    /// </summary>
    public static (int Literals, int NegativeStars) Specificity(string pattern)
    {
        int literals = 0, stars = 0;
        foreach (var c in pattern)
        {
            if (c == '*')
            {
                stars++;
            }
            else if (c != '?')
            {
                literals++;
            }
        }
        return (literals, -stars);
    }

    public static bool IsMatch(string pattern, string name) => IsMatch(pattern.AsSpan(), name.AsSpan());

    /// <summary>Linear in practice: on a mismatch it only moves the last <c>*</c> one character on.</summary>
    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        int p = 0, n = 0, starP = -1, starN = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starN = n;
            }
            else if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n]))
            {
                p++;
                n++;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                n = ++starN;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }
        return p == pattern.Length;
    }
}

/// <summary>
/// Patterns with a value each, kept most specific first (see <see cref="ModelGlob.Specificity"/>; equally specific
/// ones in the order they were declared), built once per config snapshot. Exact names never go in here: callers look
/// those up in a dictionary first and ask the table only on a miss.
/// </summary>
public sealed class ModelGlobTable<T>
{
    private readonly (string Pattern, T Value)[] _entries;

    public ModelGlobTable(IEnumerable<(string Pattern, T Value)> entries)
    {
        // OrderBy is stable: equally specific patterns keep their declared order.
        _entries = entries.OrderByDescending(e => ModelGlob.Specificity(e.Pattern)).ToArray();
    }

    /// <summary>The most specific pattern matching <paramref name="name"/>; a name that is itself a pattern matches none.</summary>
    public bool TryMatch(string name, out string pattern, out T value)
    {
        if (_entries.Length > 0 && !ModelGlob.IsPattern(name))
        {
            foreach (var entry in _entries)
            {
                if (ModelGlob.IsMatch(entry.Pattern, name))
                {
                    (pattern, value) = entry;
                    return true;
                }
            }
        }
        pattern = "";
        value = default!;
        return false;
    }
}
