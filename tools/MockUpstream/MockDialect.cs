using Microsoft.AspNetCore.Http;

namespace Switchyard.MockUpstream;

/// <summary>Whose conventions a route follows for authentication and error bodies.</summary>
internal enum MockDialect
{
    OpenAi,
    Anthropic,
    Gemini,
}

/// <summary>Error answers that the shared pipeline gives in the dialect of the route.</summary>
internal static class MockErrors
{
    /// <summary>The error the upstream answers with for an injected <paramref name="status"/>.</summary>
    public static Task ForStatusAsync(MockDialect dialect, HttpContext context, int status, string model, int retryAfterSeconds) => dialect switch
    {
        MockDialect.Anthropic => AnthropicErrors.ForStatusAsync(context, status, model, retryAfterSeconds),
        MockDialect.Gemini => GeminiErrors.ForStatusAsync(context, status, model, retryAfterSeconds),
        _ => OpenAiErrors.ForStatusAsync(context, status, model, retryAfterSeconds),
    };

    public static Task BodyTooLargeAsync(MockDialect dialect, HttpContext context) => dialect switch
    {
        MockDialect.Anthropic => AnthropicErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, AnthropicErrors.RequestTooLarge, "Request exceeds the maximum allowed number of bytes."),
        MockDialect.Gemini => GeminiErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request payload size exceeds the limit.", "INVALID_ARGUMENT"),
        _ => OpenAiErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large.", "invalid_request_error", null, null),
    };
}
