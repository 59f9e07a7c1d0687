using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchyard.Configuration;
using Switchyard.Protocols;
using Switchyard.Routing;

namespace Switchyard.Relay;

/// <summary>
/// One request as routing rules see it. The body's features are read from the parsed envelope only when a rule asks,
/// the same way for every client protocol: OpenAI chat and Responses, Anthropic and Gemini name them alike enough.
/// </summary>
internal sealed class RouteRequest(HttpRequest http, RelayContext context, RequestEnvelope envelope, int bodyBytes) : IRouteRequest
{
    /// <summary>Deep enough for Gemini's contents → parts → inlineData, and a bound on what one request can make us walk.</summary>
    private const int MaxDepth = 6;

    private bool? _images;

    public string? Header(string name) => http.Headers.TryGetValue(name, out var value) && value.Count > 0 ? value.ToString() : null;

    public string Group => context.Key!.Group;

    public string KeyName => context.Key!.Name;

    public string KeyId => context.Key!.Id;

    public string Protocol => RouteProtocols.For(context.Endpoint);

    /// <summary>As admission estimates it: a token per four bytes of body.</summary>
    public long PromptTokens => bodyBytes / 4;

    public bool Tools => NonEmptyArray("tools") || NonEmptyArray("functions");

    public bool Reasoning
    {
        get
        {
            var root = envelope.Root;
            if (root.TryGetProperty("reasoning_effort", out var effort))
            {
                return effort.ValueKind == JsonValueKind.String && effort.GetString() is not ("none" or "minimal");
            }
            if (root.TryGetProperty("reasoning", out var reasoning) && reasoning.ValueKind == JsonValueKind.Object)
            {
                return !(reasoning.TryGetProperty("effort", out var e) && e.ValueKind == JsonValueKind.String && e.GetString() == "none");
            }
            if (root.TryGetProperty("thinking", out var thinking) && thinking.ValueKind == JsonValueKind.Object)
            {
                return !(thinking.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "disabled");
            }
            if ((root.TryGetProperty("generationConfig", out var generation) || root.TryGetProperty("generation_config", out generation))
                && generation.ValueKind == JsonValueKind.Object
                && (generation.TryGetProperty("thinkingConfig", out var config) || generation.TryGetProperty("thinking_config", out config))
                && config.ValueKind == JsonValueKind.Object)
            {
                return !(config.TryGetProperty("thinkingBudget", out var budget) && budget.ValueKind == JsonValueKind.Number && budget.GetInt64() == 0);
            }
            return false;
        }
    }

    public bool Images => _images ??= HasImage(envelope.Root, 0);

    private bool NonEmptyArray(string name) =>
        envelope.Root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0;

    private static bool HasImage(JsonElement element, int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (HasImage(item, depth + 1))
                    {
                        return true;
                    }
                }
                return false;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.NameEquals("type") && property.Value.ValueKind == JsonValueKind.String
                        && property.Value.GetString() is "image_url" or "input_image" or "image")
                    {
                        return true;
                    }
                    if ((property.NameEquals("inlineData") || property.NameEquals("inline_data") || property.NameEquals("fileData") || property.NameEquals("file_data"))
                        && property.Value.ValueKind == JsonValueKind.Object
                        && (property.Value.TryGetProperty("mimeType", out var mime) || property.Value.TryGetProperty("mime_type", out mime))
                        && mime.ValueKind == JsonValueKind.String && mime.GetString()!.StartsWith("image/", StringComparison.Ordinal))
                    {
                        return true;
                    }
                    if (property.Value.ValueKind is JsonValueKind.Array or JsonValueKind.Object && HasImage(property.Value, depth + 1))
                    {
                        return true;
                    }
                }
                return false;
            default:
                return false;
        }
    }
}
