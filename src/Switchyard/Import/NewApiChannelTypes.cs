namespace Switchyard.Import;

/// <summary>How a new-api or one-api channel type maps to a Switchyard channel.</summary>
/// <param name="Type">The Switchyard channel type (<c>openai</c>, <c>anthropic</c>, <c>gemini</c>).</param>
/// <param name="DefaultBase">The base the source uses when the channel's own is empty (without a version path).</param>
/// <param name="VersionPath">What Switchyard's <c>base_url</c> needs after the source's base (the source appends it per request).</param>
/// <param name="Note">Why the mapping is only approximate; null when it is exact.</param>
public sealed record ChannelTypeMapping(string Type, string DefaultBase, string VersionPath, string? Note = null);

/// <summary>
/// The channel types of new-api (QuantumNous/new-api <c>constant/channel.go</c>) and one-api
/// (songquanpeng/one-api <c>relay/channeltype/define.go</c>) that Switchyard can serve. Both number their types alike
/// up to 25 and differ after it. A type missing here is reported, never guessed.
/// </summary>
public static class NewApiChannelTypes
{
    private static readonly Dictionary<int, ChannelTypeMapping> Shared = new()
    {
        [1] = new("openai", "https://api.openai.com", "/v1"),
        [8] = new("openai", "", "", "a custom channel: its base URL is taken as an OpenAI-compatible base as it is; check it"),
        [14] = new("anthropic", "https://api.anthropic.com", "/v1"),
        [17] = new("openai", "https://dashscope.aliyuncs.com", "/compatible-mode/v1", "the source calls DashScope's native API; Switchyard calls its OpenAI-compatible mode"),
        [20] = new("openai", "https://openrouter.ai/api", "/v1"),
        [24] = new("gemini", "https://generativelanguage.googleapis.com", "/v1beta"),
        [25] = new("openai", "https://api.moonshot.cn", "/v1"),
    };

    private static readonly Dictionary<int, ChannelTypeMapping> NewApi = new(Shared)
    {
        [4] = new("openai", "http://localhost:11434", "/v1", "Ollama is called through its OpenAI-compatible /v1 API"),
        [26] = new("openai", "https://open.bigmodel.cn", "/api/paas/v4"),
        [27] = new("openai", "https://api.perplexity.ai", ""),
        [31] = new("openai", "https://api.lingyiwanwu.com", "/v1"),
        [40] = new("openai", "https://api.siliconflow.cn", "/v1"),
        [42] = new("openai", "https://api.mistral.ai", "/v1"),
        [43] = new("openai", "https://api.deepseek.com", "/v1"),
        [45] = new("openai", "https://ark.cn-beijing.volces.com", "/api/v3"),
        [47] = new("openai", "", "/v1"),
        [48] = new("openai", "https://api.x.ai", "/v1"),
    };

    private static readonly Dictionary<int, ChannelTypeMapping> OneApi = new(Shared)
    {
        [28] = new("openai", "https://api.mistral.ai", "/v1"),
        [29] = new("openai", "https://api.groq.com/openai", "/v1"),
        [30] = new("openai", "http://localhost:11434", "/v1", "Ollama is called through its OpenAI-compatible /v1 API"),
        [31] = new("openai", "https://api.lingyiwanwu.com", "/v1"),
        [32] = new("openai", "https://api.stepfun.com", "/v1"),
        [36] = new("openai", "https://api.deepseek.com", "/v1"),
        [39] = new("openai", "https://api.together.xyz", "/v1"),
        [40] = new("openai", "https://ark.cn-beijing.volces.com", "/api/v3"),
    };

    private static readonly Dictionary<int, string> NewApiNames = new()
    {
        [2] = "Midjourney",
        [3] = "Azure",
        [5] = "MidjourneyPlus",
        [11] = "PaLM",
        [15] = "Baidu",
        [16] = "Zhipu",
        [18] = "Xunfei",
        [19] = "360",
        [21] = "AIProxyLibrary",
        [22] = "FastGPT",
        [23] = "Tencent",
        [33] = "AWS",
        [34] = "Cohere",
        [35] = "MiniMax",
        [36] = "Suno",
        [37] = "Dify",
        [38] = "Jina",
        [39] = "Cloudflare",
        [41] = "Vertex AI",
        [44] = "MokaAI",
        [46] = "Baidu v2",
        [49] = "Coze",
        [50] = "Kling",
        [51] = "Jimeng",
        [52] = "Vidu",
        [53] = "Submodel",
        [54] = "Doubao video",
        [55] = "Sora",
        [56] = "Replicate",
        [57] = "Codex",
    };

    private static readonly Dictionary<int, string> OneApiNames = new()
    {
        [2] = "API2D",
        [3] = "Azure",
        [11] = "PaLM",
        [15] = "Baidu",
        [16] = "Zhipu",
        [18] = "Xunfei",
        [19] = "360",
        [21] = "AIProxyLibrary",
        [22] = "FastGPT",
        [23] = "Tencent",
        [26] = "Baichuan",
        [27] = "Minimax",
        [33] = "AWS Claude",
        [34] = "Coze",
        [35] = "Cohere",
        [37] = "Cloudflare",
        [38] = "DeepL",
        [41] = "Novita",
    };

    public static ChannelTypeMapping? Find(int type, bool oneApi) => (oneApi ? OneApi : NewApi).GetValueOrDefault(type);

    public static string NameOf(int type, bool oneApi) => (oneApi ? OneApiNames : NewApiNames).GetValueOrDefault(type) ?? "unknown";
}
