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

    /// <summary>
    /// What a reader of the ledger sees of an error: its message and, when the upstream's own error body is passed to the
    /// client (already redacted when read), the start of that body, since the message alone then only names the status.
    /// </summary>
    public static string? TextOf(GatewayError? error)
    {
        if (error is null)
        {
            return null;
        }
        if (error.UpstreamBody.IsEmpty)
        {
            return Clip(error.Message);
        }
        var body = error.UpstreamBody.Span;
        // Four bytes per character at most: enough bytes for the kept characters whatever the script.
        var head = System.Text.Encoding.UTF8.GetString(body[..Math.Min(body.Length, MaxErrorChars * 4)]).Trim();
        return Clip(head.Length == 0 ? error.Message : $"{error.Message} {head}");
    }

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
