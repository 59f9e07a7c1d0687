namespace Switchyard.Providers.OpenAiCompatible;

/// <summary>
/// OpenAI's reasoning models (o1, o3, o4, gpt-5 and later point releases) refuse <c>max_tokens</c> ("Use
/// 'max_completion_tokens' instead") and any <c>temperature</c> or <c>top_p</c> but the default, while other
/// OpenAI-compatible upstreams (DeepSeek, vLLM, Ollama…) know only <c>max_tokens</c>. Requests converted from other
/// protocols are shaped by the upstream model's name; OpenAI clients' own requests pass through as they were sent.
/// </summary>
internal static class OpenAiReasoningModels
{
    private static readonly string[] Prefixes = ["o1", "o3", "o4", "gpt-5"];

    /// <summary>Whether <paramref name="upstreamModel"/> (optionally "provider/model") is one of OpenAI's reasoning families.</summary>
    public static bool IsReasoningModel(string upstreamModel)
    {
        var name = upstreamModel.AsSpan(upstreamModel.LastIndexOf('/') + 1);
        if (name.StartsWith("gpt-5-chat", StringComparison.OrdinalIgnoreCase))
        {
            return false; // the chat-tuned gpt-5 takes sampling parameters like gpt-4o
        }
        foreach (var prefix in Prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && (name.Length == prefix.Length || name[prefix.Length] is '-' or '.' or '_'))
            {
                return true;
            }
        }
        return false;
    }
}
