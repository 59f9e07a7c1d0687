using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Switchyard.MockUpstream;

/// <summary>Google's error envelope <c>{"error":{"code","message","status"}}</c> with the RPC status names Gemini uses.</summary>
internal static class GeminiErrors
{
    public static Task WriteAsync(HttpContext context, int status, string message, string statusName) =>
        WriteAsync(context, status, message, statusName, reason: null, retryAfterSeconds: null);

    public static async Task WriteAsync(HttpContext context, int status, string message, string statusName, string? reason, int? retryAfterSeconds)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=UTF-8";
        using var buffer = new PooledBufferWriter();
        using (var json = new Utf8JsonWriter(buffer, MockJson.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartObject("error"u8);
            json.WriteNumber("code"u8, status);
            json.WriteString("message"u8, message);
            json.WriteString("status"u8, statusName);
            if (reason is not null || retryAfterSeconds is not null)
            {
                // Google puts machine-readable causes in google.rpc detail objects rather than in the message.
                json.WriteStartArray("details"u8);
                if (reason is not null)
                {
                    json.WriteStartObject();
                    json.WriteString("@type"u8, "type.googleapis.com/google.rpc.ErrorInfo"u8);
                    json.WriteString("reason"u8, reason);
                    json.WriteString("domain"u8, "googleapis.com"u8);
                    json.WriteEndObject();
                }

                if (retryAfterSeconds is int seconds)
                {
                    json.WriteStartObject();
                    json.WriteString("@type"u8, "type.googleapis.com/google.rpc.RetryInfo"u8);
                    json.WriteString("retryDelay"u8, seconds.ToString(CultureInfo.InvariantCulture) + "s");
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        await buffer.CopyToResponseAsync(response, context.RequestAborted);
    }

    public static Task InvalidArgumentAsync(HttpContext context, string message) =>
        WriteAsync(context, StatusCodes.Status400BadRequest, message, "INVALID_ARGUMENT");

    /// <summary>The google.rpc.Code name Gemini sends with <paramref name="status"/>.</summary>
    public static string StatusName(int status) => status switch
    {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ABORTED",
        429 => "RESOURCE_EXHAUSTED",
        499 => "CANCELLED",
        500 => "INTERNAL",
        501 => "NOT_IMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        >= 500 => "INTERNAL",
        _ => "FAILED_PRECONDITION",
    };

    public static Task ForStatusAsync(HttpContext context, int status, string model, int retryAfterSeconds)
    {
        var name = StatusName(status);
        var message = status switch
        {
            400 => "Mock upstream: invalid argument (injected by the status directive).",
            401 => "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
            403 => "The caller does not have permission",
            404 => $"models/{model} is not found for API version v1beta, or is not supported for generateContent.",
            429 => "You exceeded your current quota, please check your plan and billing details.",
            500 => "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
            503 => "The model is overloaded. Please try again later.",
            _ => $"Mock upstream error {status}.",
        };
        return WriteAsync(context, status, message, name, reason: null, retryAfterSeconds: status == 429 ? retryAfterSeconds : null);
    }
}
