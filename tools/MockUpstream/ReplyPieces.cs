namespace Switchyard.MockUpstream;

/// <summary>
/// Splits a reply into stream pieces, one per word, each carrying the whitespace before it, so that
/// concatenating the pieces gives back the reply exactly (trailing whitespace rides on the last piece).
/// </summary>
internal static class ReplyPieces
{
    /// <summary>End (exclusive) of the piece starting at <paramref name="start"/>; call only while a word remains.</summary>
    public static int NextEnd(string text, int start)
    {
        var i = start;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        while (i < text.Length && !char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        var j = i;
        while (j < text.Length && char.IsWhiteSpace(text[j]))
        {
            j++;
        }

        return j == text.Length ? text.Length : i;
    }

    /// <summary>Index just after the <paramref name="words"/>-th word (1-based), without the whitespace after it.</summary>
    public static int EndOfWord(string text, int words)
    {
        var end = 0;
        for (var n = 0; n < words; n++)
        {
            while (end < text.Length && char.IsWhiteSpace(text[end]))
            {
                end++;
            }

            while (end < text.Length && !char.IsWhiteSpace(text[end]))
            {
                end++;
            }
        }

        return end;
    }

    /// <summary>Splits tool-call arguments into about <paramref name="parts"/> pieces the way OpenAI streams them in fragments.</summary>
    public static int ArgumentPieceEnd(string arguments, int start, int parts)
    {
        var size = Math.Max(1, (arguments.Length + parts - 1) / parts);
        var end = Math.Min(arguments.Length, start + size);
        // Never split a surrogate pair: each fragment must be valid UTF-16 to serialise.
        if (end < arguments.Length && char.IsLowSurrogate(arguments[end]))
        {
            end++;
        }

        return end;
    }
}
