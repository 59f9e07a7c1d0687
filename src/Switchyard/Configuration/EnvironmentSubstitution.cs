using System.Text;

namespace Switchyard.Configuration;

/// <summary>Expands <c>${NAME}</c> and <c>${NAME:-default}</c> in a config value; <c>${file:PATH}</c> is left for <see cref="SecretFiles"/>.</summary>
internal static class EnvironmentSubstitution
{
    /// <returns>The expanded text, or null with <paramref name="missing"/> naming the unset variable.</returns>
    public static string? Expand(string text, Func<string, string?> lookup, out string? missing)
    {
        missing = null;
        if (!text.Contains("${", StringComparison.Ordinal))
        {
            return text;
        }
        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var start = text.IndexOf("${", i, StringComparison.Ordinal);
            if (start < 0)
            {
                result.Append(text, i, text.Length - i);
                break;
            }
            var end = text.IndexOf('}', start + 2);
            if (end < 0)
            {
                result.Append(text, i, text.Length - i);
                break;
            }
            result.Append(text, i, start - i);
            if (text.AsSpan(start + 2).StartsWith(SecretFiles.Prefix, StringComparison.Ordinal))
            {
                result.Append(text, start, end + 1 - start);
                i = end + 1;
                continue;
            }
            var expression = text.AsSpan(start + 2, end - start - 2);
            var defaultAt = expression.IndexOf(":-", StringComparison.Ordinal);
            var name = (defaultAt >= 0 ? expression[..defaultAt] : expression).ToString();
            var value = lookup(name);
            if (string.IsNullOrEmpty(value))
            {
                if (defaultAt < 0)
                {
                    missing = name;
                    return null;
                }
                value = expression[(defaultAt + 2)..].ToString();
            }
            result.Append(value);
            i = end + 1;
        }
        return result.ToString();
    }
}
