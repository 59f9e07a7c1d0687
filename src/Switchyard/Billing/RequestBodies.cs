namespace Switchyard.Billing;

/// <summary>A request's prompt and completion as stored: redacted and cut to <c>retention.body_max_bytes</c>.</summary>
public sealed record RequestBodies(string Prompt, string Completion, bool PromptTruncated, bool CompletionTruncated)
{
    /// <summary>Redacts the raw copies, then cuts each to the limit (in UTF-16 characters of the redacted text).</summary>
    public static RequestBodies From(CapturedBodies captured, Security.Redactor redactor)
    {
        var (prompt, promptCut) = Clean(captured.Prompt, captured.Limit, redactor);
        var (completion, completionCut) = Clean(captured.Completion, captured.Limit, redactor);
        return new RequestBodies(prompt, completion, captured.PromptTruncated || promptCut, captured.CompletionTruncated || completionCut);
    }

    private static (string Text, bool Cut) Clean(ReadOnlySpan<byte> raw, int limit, Security.Redactor redactor)
    {
        var text = redactor.Redact(System.Text.Encoding.UTF8.GetString(raw));
        return text.Length > limit ? (text[..limit], true) : (text, false);
    }
}
