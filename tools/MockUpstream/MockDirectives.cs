using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Switchyard.MockUpstream;

/// <summary>
/// Per-request behaviour chosen by the caller. Directives ride inside message text as <c>[mock:NAME]</c> or
/// <c>[mock:NAME=VALUE]</c> so they survive any gateway and protocol conversion; direct callers may also
/// send them as <c>x-mock-NAME: VALUE</c> headers. Text directives are read after headers, so text wins.
/// </summary>
internal sealed class MockDirectives
{
    private const string HeaderPrefix = "x-mock-";
    private const string TextPrefix = "[mock:";

    public int? Status { get; private set; }
    public int? RetryAfterSeconds { get; private set; }
    public int DelayMs { get; private set; }
    public int ChunkDelayMs { get; private set; }
    public bool Hang { get; private set; }
    public int? CutAfter { get; private set; }
    public string? Reply { get; private set; }
    public bool NoDone { get; private set; }
    public bool UsageInLastChoiceChunk { get; private set; }
    public int CachedTokens { get; private set; }
    public int CacheWriteTokens { get; private set; }
    public int ReasoningTokens { get; private set; }
    public string? ToolArguments { get; private set; }

    /// <summary>The offered tool to call instead of the first one (by the name the request gave it); <c>none</c>: answer text.</summary>
    public string? Tool { get; private set; }
    public bool ParallelTools { get; private set; }

    /// <summary>Streams: hold the connection open this long after the last event before ending the response.</summary>
    public int LingerMs { get; private set; }

    /// <summary>Error type (Anthropic) or code (Responses) to fail a stream with after its first delta.</summary>
    public string? StreamError { get; private set; }

    /// <summary>With <c>status</c>: the error message repeats every request header, credentials included (a careless upstream).</summary>
    public bool EchoHeaders { get; private set; }

    /// <summary>With <c>status</c>: this many characters of padding at the end of the error message.</summary>
    public int ErrorPad { get; private set; }

    /// <summary>A 200 JSON body of about this many bytes, sent in chunks without a Content-Length.</summary>
    public long? BodyBytes { get; private set; }

    /// <summary>A 200 whose Content-Length announces this many bytes; the real body follows and the answer never ends.</summary>
    public long? ContentLength { get; private set; }

    /// <summary>A 200 that is not what it claims: half a JSON body (under its own length), or a garbage frame in a stream.</summary>
    public bool Malformed { get; private set; }

    /// <summary>Streams: an SSE comment line of this many bytes before every event.</summary>
    public int EventPad { get; private set; }

    public static MockDirectives FromHeaders(IHeaderDictionary headers)
    {
        var directives = new MockDirectives();
        foreach (var header in headers)
        {
            if (header.Key.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                // Hyphens are accepted for underscores because some proxies drop header names containing "_".
                var name = header.Key[HeaderPrefix.Length..].Replace('-', '_');
                directives.Apply(name, header.Value.ToString());
            }
        }

        return directives;
    }

    /// <summary>Applies every <c>[mock:…]</c> directive found in <paramref name="text"/>.</summary>
    public void ScanText(string text)
    {
        var index = text.IndexOf(TextPrefix, StringComparison.OrdinalIgnoreCase);
        while (index >= 0)
        {
            var nameStart = index + TextPrefix.Length;
            var end = FindClosingBracket(text, nameStart);
            if (end < 0)
            {
                return;
            }

            var body = text.AsSpan(nameStart, end - nameStart);
            var equals = body.IndexOf('=');
            if (equals < 0)
            {
                Apply(body.Trim(), value: null);
            }
            else
            {
                Apply(body[..equals].Trim(), body[(equals + 1)..].ToString());
            }

            index = text.IndexOf(TextPrefix, end + 1, StringComparison.OrdinalIgnoreCase);
        }
    }

    // Brackets nest so a value such as tool_args={"ids":[1,2]} keeps its inner "]".
    private static int FindClosingBracket(string text, int start)
    {
        var depth = 0;
        for (var i = start; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '[':
                    depth++;
                    break;
                case ']' when depth == 0:
                    return i;
                case ']':
                    depth--;
                    break;
            }
        }

        return -1;
    }

    private void Apply(ReadOnlySpan<char> name, string? value)
    {
        // Unknown names and unparsable numbers are ignored, as a real upstream ignores what it does not know.
        if (Is(name, "status"))
        {
            if (TryParseInt(value, out var status) && status is >= 400 and <= 599)
            {
                Status = status;
            }
        }
        else if (Is(name, "retry_after"))
        {
            RetryAfterSeconds = TryParseInt(value, out var seconds) ? seconds : RetryAfterSeconds;
        }
        else if (Is(name, "delay_ms"))
        {
            DelayMs = TryParseInt(value, out var delay) ? delay : DelayMs;
        }
        else if (Is(name, "chunk_delay_ms"))
        {
            ChunkDelayMs = TryParseInt(value, out var delay) ? delay : ChunkDelayMs;
        }
        else if (Is(name, "hang"))
        {
            Hang = IsOn(value);
        }
        else if (Is(name, "cut_after"))
        {
            CutAfter = TryParseInt(value, out var events) ? events : CutAfter;
        }
        else if (Is(name, "reply"))
        {
            Reply = value ?? string.Empty;
        }
        else if (Is(name, "no_done"))
        {
            NoDone = IsOn(value);
        }
        else if (Is(name, "usage_in_last_choice_chunk"))
        {
            UsageInLastChoiceChunk = IsOn(value);
        }
        else if (Is(name, "cached"))
        {
            CachedTokens = TryParseInt(value, out var cached) ? cached : CachedTokens;
        }
        else if (Is(name, "cache_write"))
        {
            CacheWriteTokens = TryParseInt(value, out var written) ? written : CacheWriteTokens;
        }
        else if (Is(name, "reasoning"))
        {
            ReasoningTokens = TryParseInt(value, out var reasoning) ? reasoning : ReasoningTokens;
        }
        else if (Is(name, "tool_args"))
        {
            ToolArguments = value;
        }
        else if (Is(name, "linger_ms"))
        {
            LingerMs = TryParseInt(value, out var linger) ? linger : LingerMs;
        }
        else if (Is(name, "tool"))
        {
            Tool = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }
        else if (Is(name, "parallel_tools"))
        {
            ParallelTools = IsOn(value);
        }
        else if (Is(name, "stream_error"))
        {
            StreamError = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }
        else if (Is(name, "echo_headers"))
        {
            EchoHeaders = IsOn(value);
        }
        else if (Is(name, "error_pad"))
        {
            ErrorPad = TryParseInt(value, out var pad) ? pad : ErrorPad;
        }
        else if (Is(name, "body_bytes"))
        {
            BodyBytes = TryParseLong(value, out var bytes) ? bytes : BodyBytes;
        }
        else if (Is(name, "content_length"))
        {
            ContentLength = TryParseLong(value, out var announced) ? announced : ContentLength;
        }
        else if (Is(name, "malformed"))
        {
            Malformed = IsOn(value);
        }
        else if (Is(name, "event_pad"))
        {
            EventPad = TryParseInt(value, out var eventPad) ? eventPad : EventPad;
        }
    }

    private static bool Is(ReadOnlySpan<char> name, string expected) =>
        name.Equals(expected, StringComparison.OrdinalIgnoreCase);

    private static bool TryParseInt(string? value, out int result) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out result) && result >= 0;

    private static bool TryParseLong(string? value, out long result) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out result) && result >= 0;

    // A bare flag ("[mock:hang]") or any header value other than an explicit off switches it on.
    private static bool IsOn(string? value) =>
        value is null
        || !(value.Equals("0", StringComparison.Ordinal)
             || value.Equals("false", StringComparison.OrdinalIgnoreCase)
             || value.Equals("off", StringComparison.OrdinalIgnoreCase));
}
