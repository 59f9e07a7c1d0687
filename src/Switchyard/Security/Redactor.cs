using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;
using Switchyard.Configuration;

namespace Switchyard.Security;

/// <summary>
/// Replaces secrets in free text (log lines, error messages, alert bodies) with <see cref="Mask"/>: API keys of every
/// provider's shape, bearer and basic credentials, key-carrying query parameters and header values, the literal
/// secrets this config holds, and the operator's extra <c>redaction.patterns</c>. Thread-safe; a config reload
/// swaps in the new patterns and adds the new config's secrets (<see cref="Reconfigure"/>).
/// </summary>
public sealed partial class Redactor
{
    public const string Mask = "[REDACTED]";

    /// <summary>Shorter literal secrets would mask ordinary words; such values are caught by the shape patterns.</summary>
    private const int MinLiteralLength = 8;

    private volatile Rules _rules;

    /// <summary>Shape patterns only: for code that runs without a config.</summary>
    public static Redactor Default { get; } = new([], []);

    public Redactor(IEnumerable<string> extraPatterns, IEnumerable<string>? literalSecrets = null) =>
        _rules = Rules.Build(extraPatterns, literalSecrets ?? []);

    /// <summary>
    /// After a config reload: the new extra patterns, and the new config's secrets on top of the ones known before,
    /// so a webhook URL or upstream key added by the reload is masked at once and a removed one still is (log lines
    /// about requests that started before the reload may carry it).
    /// </summary>
    public void Reconfigure(GatewayConfig config)
    {
        var known = _rules;
        var patterns = config.Redaction.Patterns;
        // Every admin change reloads the state: most bring no new secret, and recompiling the patterns costs.
        if (patterns.SequenceEqual(known.Patterns, StringComparer.Ordinal)
            && ConfiguredSecrets(config).All(s => s.Length < MinLiteralLength || known.LiteralSecrets.Contains(s)))
        {
            return;
        }
        _rules = Rules.Build(patterns, known.LiteralSecrets.Concat(ConfiguredSecrets(config)));
    }

    /// <param name="Secrets">The literal secrets, longest first, so a secret that contains another is masked whole.</param>
    /// <param name="SecretSearch">All of them in one vectorized multi-string search: every log line is scanned for them.</param>
    private sealed record Rules(IReadOnlyList<string> Patterns, Regex[] Extra, string[] Secrets, SearchValues<string>? SecretSearch, IReadOnlySet<string> LiteralSecrets)
    {
        public static Rules Build(IEnumerable<string> extraPatterns, IEnumerable<string> literalSecrets)
        {
            string[] secrets = [.. literalSecrets
                .Where(s => s.Length >= MinLiteralLength)
                .Distinct(StringComparer.Ordinal)
                .OrderByDescending(s => s.Length)];
            var search = secrets.Length == 0 ? null : SearchValues.Create(secrets, StringComparison.Ordinal);
            var patterns = extraPatterns.ToList();
            return new Rules(patterns, [.. patterns.Select(RedactionPattern.Compile)], secrets, search, secrets.ToHashSet(StringComparer.Ordinal));
        }

        public bool HasSecret(ReadOnlySpan<char> text) => SecretSearch is not null && text.IndexOfAny(SecretSearch) >= 0;

        /// <summary>Each occurrence of a literal secret replaced by <see cref="Mask"/>, leftmost first, the longest secret where several start.</summary>
        public string MaskSecrets(string text)
        {
            if (!HasSecret(text))
            {
                return text;
            }
            var masked = new StringBuilder(text.Length);
            var rest = text.AsSpan();
            int at;
            while ((at = rest.IndexOfAny(SecretSearch!)) >= 0)
            {
                masked.Append(rest[..at]).Append(Mask);
                rest = rest[at..];
                rest = rest[MatchedLength(rest)..];
            }
            return masked.Append(rest).ToString();
        }

        /// <summary>
        /// The length of the secret the search found at the start of <paramref name="text"/>: the first that matches is
        /// the longest. One character if none did, so the scan always moves on.
        /// </summary>
        private int MatchedLength(ReadOnlySpan<char> text)
        {
            foreach (var secret in Secrets)
            {
                if (text.StartsWith(secret, StringComparison.Ordinal))
                {
                    return secret.Length;
                }
            }
            return 1;
        }
    }

    /// <summary>The config's extra patterns plus every secret the config itself holds (upstream keys of any shape).</summary>
    public static Redactor FromConfig(GatewayConfig config) => new(config.Redaction.Patterns, ConfiguredSecrets(config));

    /// <summary>The text with every secret masked; the same instance when there was nothing to mask.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryRedact(text.AsSpan(), out var redacted) ? redacted : text;
    }

    /// <summary>True when <paramref name="text"/> held a secret; <paramref name="redacted"/> is then the masked text.</summary>
    public bool TryRedact(ReadOnlySpan<char> text, [NotNullWhen(true)] out string? redacted)
    {
        redacted = null;
        if (text.IsEmpty)
        {
            return false;
        }
        try
        {
            // The common case (nothing to mask) scans without allocating.
            if (!ContainsSecret(text))
            {
                return false;
            }
            var rules = _rules;
            var current = Shapes().Replace(text.ToString(), ReplaceShape);
            current = rules.MaskSecrets(current);
            foreach (var pattern in rules.Extra)
            {
                current = pattern.Replace(current, Mask);
            }
            redacted = current;
            return true;
        }
        catch (RegexMatchTimeoutException)
        {
            // A pathological line is dropped rather than risk printing a secret.
            redacted = Mask + " (text withheld: redaction timed out)";
            return true;
        }
    }

    /// <summary>Whether the text holds anything <see cref="Redact"/> would mask.</summary>
    public bool ContainsSecret(ReadOnlySpan<char> text)
    {
        var rules = _rules;
        if (Shapes().IsMatch(text) || rules.HasSecret(text))
        {
            return true;
        }
        foreach (var pattern in rules.Extra)
        {
            if (pattern.IsMatch(text))
            {
                return true;
            }
        }
        return false;
    }

    private static string ReplaceShape(Match match)
    {
        var prefix = match.Groups["prefix"];
        if (!prefix.Success || prefix.Length == 0)
        {
            return Mask;
        }
        return new StringBuilder(prefix.Length + Mask.Length).Append(prefix.ValueSpan).Append(Mask).ToString();
    }

    private static IEnumerable<string> ConfiguredSecrets(GatewayConfig config)
    {
        foreach (var channel in config.Channels)
        {
            foreach (var key in channel.Keys)
            {
                yield return key;
            }
            foreach (var (name, value) in channel.Headers)
            {
                if (IsCredentialHeader(name))
                {
                    yield return value;
                }
            }
        }
        // Webhook URLs carry their receivers' tokens, in the path (Slack, Feishu) or the query (DingTalk); a receiver
        // echoing only its path must not print them either.
        foreach (var webhook in config.Alerts.Webhooks)
        {
            yield return webhook.Url;
            if (Uri.TryCreate(webhook.Url, UriKind.Absolute, out var uri))
            {
                foreach (var part in uri.AbsolutePath.Split('/').Concat(uri.Query.TrimStart('?').Split('&').Select(p => p[(p.IndexOf('=') + 1)..])))
                {
                    if (part.Length >= 16)
                    {
                        yield return Uri.UnescapeDataString(part);
                        yield return part;
                    }
                }
            }
            if (webhook.Secret is { } signing)
            {
                yield return signing;
            }
        }
        foreach (var key in config.Keys)
        {
            if (key.Secret is { } secret)
            {
                yield return secret;
            }
        }
        if (config.Security.MasterKey is { } master)
        {
            yield return master;
        }
        if (config.Security.SecretKey is { } sealing)
        {
            yield return sealing;
        }
        foreach (var previous in config.Security.PreviousSecretKeys)
        {
            yield return previous;
        }
        foreach (var user in config.Users)
        {
            if (user.Password is { } password)
            {
                yield return password;
            }
        }
        if (config.Metrics.Token is { } metricsToken)
        {
            yield return metricsToken;
        }
    }

    private static bool IsCredentialHeader(string name) =>
        name.Contains("key", StringComparison.OrdinalIgnoreCase)
        || name.Contains("auth", StringComparison.OrdinalIgnoreCase)
        || name.Contains("token", StringComparison.OrdinalIgnoreCase)
        || name.Contains("secret", StringComparison.OrdinalIgnoreCase);

    // One pass over the text for every built-in shape. "prefix" is kept (so a log still says which header or
    // parameter carried the value); everything matched after it is masked.
    //  1. sk-… keys: OpenAI (sk-, sk-proj-, sk-svcacct-), Anthropic (sk-ant-api03-…), DeepSeek, Switchyard (sk-sy-).
    //  2. Google API keys (AIza + 35 characters).
    //  3. Credentials after a header name or JSON/YAML field that carries one (with an optional auth scheme).
    //  4. Bearer and Basic credentials anywhere.
    //  5. Key-carrying URL query parameters (Gemini's ?key=, access_token=, …).
    [GeneratedRegex("""
        (?<![A-Za-z0-9_\-])sk-[A-Za-z0-9][A-Za-z0-9_\-]{7,}
        |(?<![A-Za-z0-9_\-])AIza[0-9A-Za-z_\-]{30,}
        |(?<prefix>(?i:\b(?:x-api-key|x-goog-api-key|api-key|api_key|apikey|authorization|proxy-authorization|x-auth-token|master_key|secret_key)\b)["']?[ \t]*[:=][ \t]*["']?(?:(?i:bearer|basic|token)[ \t]+)?)[^\s"',;&}\]]+
        |(?<prefix>\b(?i:bearer|basic)[ \t]+)[A-Za-z0-9._~+/=\-]{8,}
        |(?<prefix>[?&;](?i:key|api_key|api-key|apikey|access_token|token|secret|password|sig)=)[^&\s"'#<>]+
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 2000)]
    private static partial Regex Shapes();
}
