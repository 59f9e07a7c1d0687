using Switchyard.Contracts;

namespace Switchyard.Billing;

/// <summary>
/// Gemini's <c>usageMetadata</c> in our (OpenAI) semantics: <c>promptTokenCount</c> already includes
/// <c>cachedContentTokenCount</c>, while <c>thoughtsTokenCount</c> is reported beside <c>candidatesTokenCount</c>,
/// not inside it, and is billed as output. So output = candidates + thoughts, and the thoughts are its reasoning part.
/// </summary>
internal static class GeminiUsage
{
    public static TokenUsage ToUsage(long promptTokenCount, long candidatesTokenCount, long cachedContentTokenCount, long thoughtsTokenCount) =>
        new(promptTokenCount, candidatesTokenCount + thoughtsTokenCount, cachedContentTokenCount, 0, thoughtsTokenCount);
}
