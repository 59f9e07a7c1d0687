namespace Switchyard.Billing;

/// <summary>
/// Bounded raw copies of a request's prompt and of the answer the client received, for groups that opted in to body
/// storage. Only the first <see cref="Limit"/> bytes of each (plus <see cref="Slack"/>) are kept, so a long stream is
/// never buffered whole; the ledger writer redacts them off the request path and only then cuts them to the limit, so a
/// secret straddling the cut is still recognised and masked whole.
/// </summary>
public sealed class CapturedBodies(int limit)
{
    public const int Slack = 512;

    private readonly byte[] _completion = new byte[Math.Max(0, limit) + Slack];
    private int _completionLength;

    public int Limit { get; } = Math.Max(0, limit);

    public byte[] Prompt { get; private set; } = [];

    public bool PromptTruncated { get; private set; }

    public ReadOnlySpan<byte> Completion => _completion.AsSpan(0, _completionLength);

    public bool CompletionTruncated { get; private set; }

    public void SetPrompt(ReadOnlySpan<byte> body)
    {
        Prompt = body[..Math.Min(body.Length, Limit + Slack)].ToArray();
        PromptTruncated = body.Length > Limit;
    }

    /// <summary>Copies what still fits of bytes on their way to the client.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        var room = _completion.Length - _completionLength;
        if (bytes.Length > room)
        {
            CompletionTruncated = true;
        }
        var take = Math.Min(room, bytes.Length);
        if (take > 0)
        {
            bytes[..take].CopyTo(_completion.AsSpan(_completionLength));
            _completionLength += take;
        }
    }
}
