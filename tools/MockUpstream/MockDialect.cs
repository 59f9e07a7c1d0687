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

    /// <summary>An injected error with its own message (echo_headers, error_pad), in the route's error shape.</summary>
    public static Task WithMessageAsync(MockDialect dialect, HttpContext context, int status, string message) => dialect switch
    {
        MockDialect.Anthropic => AnthropicErrors.WriteAsync(context, status, status >= 500 ? AnthropicErrors.Api : AnthropicErrors.InvalidRequest, message),
        MockDialect.Gemini => GeminiErrors.WriteAsync(context, status, message, GeminiErrors.StatusName(status)),
        _ => OpenAiErrors.WriteAsync(context, status, message, status >= 500 ? "server_error" : "invalid_request_error", null, null),
    };

    public static Task BodyTooLargeAsync(MockDialect dialect, HttpContext context) => dialect switch
    {
        MockDialect.Anthropic => AnthropicErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, AnthropicErrors.RequestTooLarge, "Request exceeds the maximum allowed number of bytes."),
        MockDialect.Gemini => GeminiErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request payload size exceeds the limit.", "INVALID_ARGUMENT"),
        _ => OpenAiErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large.", "invalid_request_error", null, null),
    };
}
