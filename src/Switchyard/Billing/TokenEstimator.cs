using Switchyard.Protocols.Canonical;

namespace Switchyard.Billing;

/// <summary>
/// Estimates a prompt's tokens without a tokenizer (none is available to this build): about four characters per
/// token for Latin-script text, one per CJK or other non-ASCII character, a few tokens of framing per message, and
/// fixed sizes for images and documents. Used where no upstream can count (count_tokens on non-Anthropic channels)
/// and, later, for quota reservations; true counts always come from the upstream's usage.
/// </summary>
public static class TokenEstimator
{
    private const int PerMessage = 3;
    private const int PerImage = 1600;   // Anthropic's documented ceiling for a full-size image (~1.15 megapixels / 750).
    private const int PerDocumentPage = 1500;

    public static long Estimate(ChatRequest request)
    {
        long tokens = 0;
        foreach (var part in request.System)
        {
            tokens += Text(part.Text);
        }
        foreach (var message in request.Messages)
        {
            tokens += PerMessage;
            foreach (var part in message.Content)
            {
                tokens += Part(part);
            }
        }
        foreach (var tool in request.Tools)
        {
            tokens += Text(tool.Name) + Text(tool.Description) + Text(tool.Parameters?.GetRawText());
        }
        return tokens;
    }

    private static long Part(ContentPart part) => part switch
    {
        TextPart text => Text(text.Text),
        ImagePart => PerImage,
        DocumentPart document => document.Text is { } text ? Text(text) : PerDocumentPage,
        ToolCallPart call => Text(call.Name) + Text(call.Arguments),
        ToolResultPart result => result.Content.Sum(Part),
        ThinkingPart thinking => Text(thinking.Text),
        _ => 0,
    };

    public static long Text(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }
        long ascii = 0, other = 0;
        foreach (var c in text)
        {
            if (c < 128)
            {
                ascii++;
            }
            else if (!char.IsLowSurrogate(c))
            {
                other++;
            }
        }
        return ((ascii + 3) / 4) + other;
    }
}
