namespace Switchyard.Import;

/// <summary>How a LiteLLM provider prefix (<c>litellm_params.model: openai/gpt-4o</c>) maps to a Switchyard channel.</summary>
/// <param name="DefaultBase">Switchyard's <c>base_url</c> when the entry sets no <c>api_base</c>; empty: <c>api_base</c> is required.</param>
/// <param name="ApiBaseSuffix">The version path LiteLLM appends to an <c>api_base</c> of this provider, which Switchyard's <c>base_url</c> includes.</param>
public sealed record LiteLlmProvider(string Type, string DefaultBase, string ApiBaseSuffix = "", string? Note = null);

/// <summary>The LiteLLM providers Switchyard can serve; any other prefix is reported as not importable.</summary>
public static class LiteLlmProviders
{
    private static readonly Dictionary<string, LiteLlmProvider> ByPrefix = new(StringComparer.Ordinal)
    {
        ["openai"] = new("openai", "https://api.openai.com/v1"),
        ["text-completion-openai"] = new("openai", "https://api.openai.com/v1", "", "text completions are served as chat completions"),
        ["anthropic"] = new("anthropic", "https://api.anthropic.com/v1", "/v1"),
        ["gemini"] = new("gemini", "https://generativelanguage.googleapis.com/v1beta"),
        ["deepseek"] = new("openai", "https://api.deepseek.com/v1"),
        ["openrouter"] = new("openai", "https://openrouter.ai/api/v1"),
        ["mistral"] = new("openai", "https://api.mistral.ai/v1"),
        ["groq"] = new("openai", "https://api.groq.com/openai/v1"),
        ["xai"] = new("openai", "https://api.x.ai/v1"),
        ["together_ai"] = new("openai", "https://api.together.xyz/v1"),
        ["fireworks_ai"] = new("openai", "https://api.fireworks.ai/inference/v1"),
        ["perplexity"] = new("openai", "https://api.perplexity.ai"),
        ["moonshot"] = new("openai", "https://api.moonshot.cn/v1"),
        ["dashscope"] = new("openai", "https://dashscope.aliyuncs.com/compatible-mode/v1"),
        ["volcengine"] = new("openai", "https://ark.cn-beijing.volces.com/api/v3"),
        ["hosted_vllm"] = new("openai", ""),
        ["openai_compatible"] = new("openai", ""),
        ["lm_studio"] = new("openai", ""),
        ["ollama_chat"] = new("openai", "http://localhost:11434/v1", "/v1", "Ollama is called through its OpenAI-compatible /v1 API"),
        ["ollama"] = new("openai", "http://localhost:11434/v1", "/v1", "Ollama is called through its OpenAI-compatible /v1 API"),
    };

    /// <summary>The provider and the upstream model name of a <c>litellm_params.model</c>.</summary>
    public static (string Prefix, LiteLlmProvider? Provider, string Model) Parse(string model)
    {
        var slash = model.IndexOf('/');
        if (slash <= 0)
        {
            // LiteLLM infers the provider of a bare name; the OpenAI API is what it infers for most.
            return ("", new LiteLlmProvider("openai", "https://api.openai.com/v1", "", "no provider prefix: taken as an OpenAI model"), model);
        }
        var prefix = model[..slash];
        return (prefix, ByPrefix.GetValueOrDefault(prefix), model[(slash + 1)..]);
    }
}
