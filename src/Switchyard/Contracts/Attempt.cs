namespace Switchyard.Contracts;

/// <summary>
/// One upstream attempt: where it went (channel, key id and the key's hint, never the key), how it ended (status,
/// error kind and the error's text, already redacted and clipped to <see cref="MaxErrorChars"/>), how long it took.
/// </summary>
public sealed record Attempt(string Channel, string KeyId, string Model, int Status, long LatencyMs, string? ErrorKind,
    string? KeyHint = null, string? Error = null)
{
    /// <summary>Attempts a ledger record keeps: a request retried past this keeps its first ones and its last.</summary>
    public const int MaxKept = 8;

    /// <summary>Characters of error text kept per attempt and per record: enough to read the cause, bounded per row.</summary>
    public const int MaxErrorChars = 300;

    /// <summary>The chain as a ledger record keeps it: the list itself when short, else the first attempts and the last.</summary>
    public static IReadOnlyList<Attempt> Bounded(IReadOnlyList<Attempt> attempts) =>
        attempts.Count <= MaxKept ? attempts : [.. attempts.Take(MaxKept - 1), attempts[^1]];

    /// <summary>An error text cut to <see cref="MaxErrorChars"/>, never inside a surrogate pair.</summary>
    public static string? Clip(string? error)
    {
        if (error is null || error.Length <= MaxErrorChars)
        {
            return error;
        }
        var cut = char.IsHighSurrogate(error[MaxErrorChars - 2]) ? MaxErrorChars - 2 : MaxErrorChars - 1;
        return string.Concat(error.AsSpan(0, cut), "…");
    }
}
