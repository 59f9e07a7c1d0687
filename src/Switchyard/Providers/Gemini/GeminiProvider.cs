using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Wire;
using static Switchyard.Contracts.Canonical.JsonFields;

namespace Switchyard.Providers.Gemini;

/// <summary>
/// Google's Gemini API (generativelanguage.googleapis.com/v1beta) serving a request that arrived in another protocol.
/// The key travels in <c>x-goog-api-key</c>, never in the URL, where access logs along the way would keep it.
/// </summary>
public sealed partial class GeminiProvider : IProviderAdapter
{
    public string Name => "gemini";

    public string RequestPath(ChatRequest request) => RequestPath(request, request.Model);

    public string RequestPath(ChatRequest request, string upstreamModel) => UpstreamPaths.Gemini(upstreamModel, request.Stream);

    public void AddHeaders(HttpRequestMessage message, string? apiKey)
    {
        if (apiKey is not null)
        {
            message.Headers.TryAddWithoutValidation("x-goog-api-key", apiKey);
        }
    }

    public IUpstreamStreamParser CreateStreamParser() => new GeminiStreamParser();

    public GatewayError ReadError(int status, ReadOnlySpan<byte> body)
    {
        var generic = UpstreamErrorClassifier.Classify(status, body, "gemini", passBodyThrough: false);
        if (status is 401 or 403)
        {
            return generic;
        }
        if (GeminiKeyRejection.IsKeyRejected(status, body))
        {
            return new GatewayError(GatewayErrorKind.UpstreamError, 502, $"The upstream channel 'gemini' rejected its credentials ({GeminiKeyRejection.Reason}).", AllowFallback: true)
            {
                Code = "upstream_auth_failed",
            };
        }
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            if (!document.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
            {
                return generic;
            }
            if (Str(error, "message") is { } message)
            {
                return generic with { Message = $"Upstream returned status {status}: {message}" };
            }
        }
        catch (JsonException)
        {
        }
        return generic;
    }

    public ChatResponse? ReadResponse(ReadOnlySpan<byte> body, out GatewayError? error)
    {
        error = null;
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            var responseId = Str(root, "responseId") ?? "";
            var parts = new List<ContentPart>();
            string? finish = null;
            if (root.TryGetProperty("candidates", out var candidates) && candidates.ValueKind == JsonValueKind.Array && candidates.GetArrayLength() > 0)
            {
                var candidate = candidates[0];
                finish = Str(candidate, "finishReason");
                if (candidate.TryGetProperty("content", out var content) && content.TryGetProperty("parts", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    var calls = 0;
                    foreach (var part in list.EnumerateArray())
                    {
                        if (ReadPart(part, responseId, ref calls) is { } read)
                        {
                            parts.Add(read);
                        }
                    }
                }
            }
            else if (root.TryGetProperty("promptFeedback", out var feedback) && Str(feedback, "blockReason") is not null)
            {
                // The prompt itself was blocked: no candidates, only the reason.
                finish = "SAFETY";
            }
            else
            {
                error = new GatewayError(GatewayErrorKind.UpstreamError, 502, "The upstream's answer has no candidates.");
                return null;
            }
            return new ChatResponse(responseId, Str(root, "modelVersion") ?? "", parts,
                GeminiFinishReason.ToCanonical(finish, parts.Any(p => p is ToolCallPart)), GeminiUsageReader.FromElement(root));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            error = new GatewayError(GatewayErrorKind.UpstreamError, 502, "The upstream's answer is not a Gemini GenerateContentResponse.");
            return null;
        }
    }

    /// <summary>
    /// One response part. Gemini's function calls carry no id unless the model gave one; clients of other protocols
    /// need one to pair results with calls, so it is made from the response id and the call's position.
    /// </summary>
    internal static ContentPart? ReadPart(JsonElement part, string responseId, ref int calls)
    {
        if (part.TryGetProperty("functionCall", out var call) && call.ValueKind == JsonValueKind.Object)
        {
            var id = Str(call, "id") ?? CallId(responseId, calls);
            calls++;
            return new ToolCallPart(id, Str(call, "name") ?? "", call.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Object ? args.GetRawText() : "{}")
            {
                // Gemini 2.5 and 3 sign the call with the reasoning behind it and need the signature back next turn.
                ThoughtSignature = Str(part, "thoughtSignature"),
            };
        }
        return GeminiParts.ReadMedia(part);
    }

    internal static string CallId(string responseId, int index) =>
        responseId.Length > 0 ? $"call_{responseId}_{index}" : $"call_{Guid.NewGuid():N}"[..29];
}
