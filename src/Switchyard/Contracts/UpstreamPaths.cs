namespace Switchyard.Contracts;

/// <summary>
/// Upstream paths that both the fast path (a client protocol forwarding as is) and a provider adapter build, so
/// neither side reads the other's code for them.
/// </summary>
public static class UpstreamPaths
{
    /// <summary>Gemini's <c>models/{model}:generateContent</c>, or the SSE form of <c>:streamGenerateContent</c>.</summary>
    public static string Gemini(string model, bool stream) =>
        "models/" + Uri.EscapeDataString(model) + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
}
