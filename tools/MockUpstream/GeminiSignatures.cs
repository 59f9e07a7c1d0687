using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Switchyard.MockUpstream;

/// <summary>
/// Gemini's <c>thoughtSignature</c> on function calls, as Gemini 2.5 (thinking on) and Gemini 3 (always) sign the
/// first call of a step. The mock's is an HMAC of the function name in standard base64 (so it holds <c>+</c>,
/// <c>/</c> or <c>=</c> that a careless gateway mangles). Like Gemini 3, models named <c>gemini-3…</c> refuse a
/// request whose current turn has a step without a signed first call ("missing a thought_signature"), or with one the
/// mock did not issue ("Corrupted thought signature"); Google's documented stand-ins pass.
/// </summary>
internal static class GeminiSignatures
{
    private static readonly byte[] Key = "switchyard-mock-upstream-gemini-thought-signature"u8.ToArray();

    private static readonly string[] StandIns = ["skip_thought_signature_validator", "context_engineering_is_the_way_to_go"];

    public static string Compute(string functionName) =>
        Convert.ToBase64String(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes("\u00fb\u00ff" + functionName)));

    /// <summary>Whether a model signs its calls: Gemini 3 always, earlier models when thinking is on.</summary>
    public static bool Signs(string model, bool thinking) => RequiresSignatures(model) || thinking;

    public static bool RequiresSignatures(string model) => model.StartsWith("gemini-3", StringComparison.Ordinal);

    /// <summary>
    /// Google's INVALID_ARGUMENT message, or null. The current turn is everything after the last user content that is
    /// not only function responses; in it, the first functionCall part of every model content must be signed.
    /// </summary>
    public static string? Check(JsonElement contents)
    {
        var items = contents.EnumerateArray().ToList();
        var start = 0;
        for (var i = items.Count - 1; i >= 0; i--)
        {
            if (MockJson.String(items[i], "role") is null or "user" && !OnlyFunctionResponses(items[i]))
            {
                start = i + 1;
                break;
            }
        }

        for (var i = start; i < items.Count; i++)
        {
            if (MockJson.String(items[i], "role") != "model" || !items[i].TryGetProperty("parts", out var parts) || parts.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            var position = 0;
            foreach (var part in parts.EnumerateArray())
            {
                position++;
                if (!part.TryGetProperty("functionCall", out var call) || call.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var name = MockJson.String(call, "name") ?? string.Empty;
                var signature = MockJson.String(part, "thoughtSignature");
                if (signature is null)
                {
                    return "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing "
                        + $"thought_signature may lead to degraded model performance. Additional data, function call `default_api:{name}` , position {position}. "
                        + "Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.";
                }

                if (!StandIns.Contains(signature, StringComparer.Ordinal) && signature != Compute(name))
                {
                    return "Corrupted thought signature.";
                }

                break;
            }
        }

        return null;
    }

    private static bool OnlyFunctionResponses(JsonElement content) =>
        content.TryGetProperty("parts", out var parts) && parts.ValueKind == JsonValueKind.Array && parts.GetArrayLength() > 0
        && parts.EnumerateArray().All(p => p.TryGetProperty("functionResponse", out _));
}
