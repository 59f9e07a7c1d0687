using System.Security.Cryptography;
using System.Text;

namespace Switchyard.Contracts.Canonical;

/// <summary>
/// Tool names every upstream family accepts. OpenAI wants <c>^[a-zA-Z0-9_-]{1,64}$</c>, Anthropic
/// <c>^[a-zA-Z0-9_-]{1,128}$</c>, Gemini a letter or underscore first and at most 64 characters; so a safe name is
/// <c>^[a-zA-Z_][a-zA-Z0-9_-]{0,63}$</c>. Names the client chose that fit are kept; others (a namespace joined to its
/// tool, a name with dots) are rewritten, with a hash of the original whenever characters were replaced or cut, so
/// two different tools never meet on one name. The mapping is a pure function: the next turn's calls map the same way.
/// </summary>
public static class ToolNames
{
    public const int MaxLength = 64;

    /// <summary>The one argument of a freeform tool offered as a function.</summary>
    public const string CustomInput = "input";

    private const string Separator = "__";
    private const int HashChars = 8;

    /// <summary>The flat name of <paramref name="name"/> inside <paramref name="namespace"/> (none: the name alone, made safe).</summary>
    public static string Flatten(string? @namespace, string name) =>
        Safe(string.IsNullOrEmpty(@namespace) ? name : @namespace + Separator + name);

    public static bool IsSafe(string name)
    {
        if (name.Length is 0 or > MaxLength || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }
        return true;
    }

    public static string Safe(string name)
    {
        if (IsSafe(name))
        {
            return name;
        }
        var clean = new StringBuilder(name.Length + 1);
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            clean.Append('_');
        }
        foreach (var c in name)
        {
            clean.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..HashChars];
        var keep = Math.Min(clean.Length, MaxLength - HashChars - 1);
        return clean.ToString(0, keep) + "_" + hash;
    }
}
