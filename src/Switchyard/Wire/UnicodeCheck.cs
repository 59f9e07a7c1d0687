using System.Buffers.Text;

namespace Switchyard.Wire;

/// <summary>
/// Whether a JSON body holds only text an upstream can take: valid UTF-8 and no unpaired surrogate written as a
/// <c>\uD800</c>-style escape (valid JSON syntax, but not a Unicode string). JsonDocument checks neither for string
/// contents it does not unescape, so without this the fast path forwards such bodies and the upstream answers 500.
/// One vectorized pass for UTF-8, then a jump from backslash to backslash; no allocation.
/// </summary>
public static class UnicodeCheck
{
    /// <returns>null when the text is fine, else a sentence for the client saying what and where.</returns>
    public static string? FindProblem(ReadOnlySpan<byte> json)
    {
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            return $"The request body is not valid UTF-8 (first bad byte at offset {InvalidOffset(json)}).";
        }
        var offset = 0;
        while (true)
        {
            var slash = json[offset..].IndexOf((byte)'\\');
            if (slash < 0)
            {
                return null;
            }
            var at = offset + slash;
            if (at + 1 >= json.Length)
            {
                return null;
            }
            if (json[at + 1] != (byte)'u')
            {
                // Two-byte escape (\\, \", \n, ...): skipping both keeps "\\u" from reading as a \u escape.
                offset = at + 2;
                continue;
            }
            if (!TryHex(json, at + 2, out var unit))
            {
                // Not an escape the parser accepts; it will say so.
                offset = at + 2;
                continue;
            }
            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return LoneSurrogate(at);
            }
            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                if (at + 7 >= json.Length || json[at + 6] != (byte)'\\' || json[at + 7] != (byte)'u'
                    || !TryHex(json, at + 8, out var low) || low is < 0xDC00 or > 0xDFFF)
                {
                    return LoneSurrogate(at);
                }
                offset = at + 12;
                continue;
            }
            offset = at + 6;
        }
    }

    private static string LoneSurrogate(int at) =>
        $"The request body holds an unpaired UTF-16 surrogate escape at offset {at}; strings must be valid Unicode.";

    private static bool TryHex(ReadOnlySpan<byte> json, int start, out int value)
    {
        value = 0;
        if (start + 4 > json.Length)
        {
            return false;
        }
        return Utf8Parser.TryParse(json.Slice(start, 4), out ushort parsed, out var consumed, 'X') && consumed == 4 && (value = parsed) >= 0;
    }

    private static int InvalidOffset(ReadOnlySpan<byte> json)
    {
        // Only on the refusal path: find where decoding stops, for the message.
        Span<char> scratch = stackalloc char[256];
        var status = System.Text.Unicode.Utf8.ToUtf16(json, scratch, out var read, out _, replaceInvalidSequences: false);
        var offset = 0;
        while (status == System.Buffers.OperationStatus.DestinationTooSmall)
        {
            offset += read;
            status = System.Text.Unicode.Utf8.ToUtf16(json[offset..], scratch, out read, out _, replaceInvalidSequences: false);
        }
        return offset + read;
    }
}
