using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Switchyard.MockUpstream;

/// <summary>
/// Anthropic's error envelope <c>{"type":"error","error":{"type","message"},"request_id"}</c> (ErrorResponse in
/// the TypeScript SDK's resources/shared.ts), with the error type Anthropic uses for each status.
/// </summary>
internal static class AnthropicErrors
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string Permission = "permission_error";
    public const string NotFound = "not_found_error";
    public const string RequestTooLarge = "request_too_large";
    public const string RateLimit = "rate_limit_error";
    public const string Api = "api_error";
    public const string Overloaded = "overloaded_error";
    public const string Timeout = "timeout_error";
    public const string Billing = "billing_error";

    public static async Task WriteAsync(HttpContext context, int status, string type, string message)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        using var buffer = new PooledBufferWriter();
        using (var json = new Utf8JsonWriter(buffer, MockJson.WriterOptions))
        {
            WriteBody(json, type, message, RequestId(context));
        }

        await buffer.CopyToResponseAsync(response, context.RequestAborted);
    }

    /// <summary>The body of an error response, also the data of a mid-stream <c>event: error</c>.</summary>
    public static void WriteBody(Utf8JsonWriter json, string type, string message, string? requestId)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "error"u8);
        json.WriteStartObject("error"u8);
        json.WriteString("type"u8, type);
        json.WriteString("message"u8, message);
        json.WriteEndObject();
        if (requestId is null)
        {
            json.WriteNull("request_id"u8);
        }
        else
        {
            json.WriteString("request_id"u8, requestId);
        }

        json.WriteEndObject();
    }

    public static string? RequestId(HttpContext context) =>
        context.Response.Headers.TryGetValue("request-id", out var id) ? id.ToString() : null;

    public static Task InvalidRequestAsync(HttpContext context, string message) =>
        WriteAsync(context, StatusCodes.Status400BadRequest, InvalidRequest, message);

    /// <summary>The error type Anthropic sends with <paramref name="status"/>.</summary>
    public static string TypeForStatus(int status) => status switch
    {
        400 => InvalidRequest,
        401 => Authentication,
        402 => Billing,
        403 => Permission,
        404 => NotFound,
        413 => RequestTooLarge,
        429 => RateLimit,
        504 => Timeout,
        529 => Overloaded,
        >= 500 => Api,
        _ => InvalidRequest,
    };

    /// <summary>A plausible message for an error <paramref name="type"/>, also used by mid-stream error events.</summary>
    public static string MessageForType(string type, string model) => type switch
    {
        Authentication => "invalid x-api-key",
        Permission => "Your API key does not have permission to use the specified resource.",
        NotFound => $"model: {model}",
        RequestTooLarge => "Request exceeds the maximum allowed number of bytes.",
        RateLimit => "This request would exceed the rate limit for your organization of 50 requests per minute. Please reduce the prompt length or the maximum tokens requested, or try again later.",
        Api => "Internal server error",
        Overloaded => "Overloaded",
        Timeout => "Request timed out",
        Billing => "Your credit balance is too low to access the Anthropic API.",
        _ => "Mock upstream: invalid request (injected by a directive).",
    };

    public static Task ForStatusAsync(HttpContext context, int status, string model, int retryAfterSeconds)
    {
        if (status == StatusCodes.Status429TooManyRequests)
        {
            context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }

        var type = TypeForStatus(status);
        return WriteAsync(context, status, type, MessageForType(type, model));
    }
}
