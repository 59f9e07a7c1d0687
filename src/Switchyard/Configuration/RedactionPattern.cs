using System.Text.RegularExpressions;

namespace Switchyard.Configuration;

/// <summary>How a <c>redaction.patterns</c> entry becomes a regex: one rule for the validator and the redactor.</summary>
public static class RedactionPattern
{
    // Generous: the timeout is wall-clock, and a starved or paused process must not lose ordinary log lines.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>Compiles one entry; throws <see cref="ArgumentException"/> when it is not a regex.</summary>
    public static Regex Compile(string pattern) => new(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, Timeout);
}
