using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Switchyard.MockUpstream;

/// <summary>OpenAI's error envelope <c>{"error":{"message","type","param","code"}}</c> with the texts OpenAI sends.</summary>
internal static class OpenAiErrors
{
    public static async Task WriteAsync(HttpContext context, int status, string message, string type, string? param, string? code)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        using var buffer = new PooledBufferWriter();
        using (var json = new Utf8JsonWriter(buffer, MockJson.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", message);
            json.WriteString("type", type);
            WriteNullableString(json, "param", param);
            WriteNullableString(json, "code", code);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        await buffer.CopyToResponseAsync(response, context.RequestAborted);
    }

    public static Task MissingApiKeyAsync(HttpContext context) => WriteAsync(
        context,
        StatusCodes.Status401Unauthorized,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (i.e. YOUR_KEY), when using HTTP Basic Auth. You can obtain an API key from https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        param: null,
        code: null);

    public static Task InvalidApiKeyAsync(HttpContext context, string key) => WriteAsync(
        context,
        StatusCodes.Status401Unauthorized,
        $"Incorrect API key provided: {MaskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        param: null,
        code: "invalid_api_key");

    public static Task InvalidJsonAsync(HttpContext context) => WriteAsync(
        context,
        StatusCodes.Status400BadRequest,
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
        "invalid_request_error",
        param: null,
        code: null);

    public static Task InvalidRequestAsync(HttpContext context, string message, string? param = null, string? code = null) =>
        WriteAsync(context, StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);

    public static Task ModelNotFoundAsync(HttpContext context, string model) => WriteAsync(
        context,
        StatusCodes.Status404NotFound,
        $"The model `{model}` does not exist or you do not have access to it.",
        "invalid_request_error",
        param: null,
        code: "model_not_found");

    public static Task InvalidUrlAsync(HttpContext context) => WriteAsync(
        context,
        StatusCodes.Status404NotFound,
        $"Invalid URL ({context.Request.Method} {context.Request.Path.Value})",
        "invalid_request_error",
        param: null,
        code: null);

    /// <summary>The error OpenAI (or, for 529, an OpenAI-compatible upstream) answers with for <paramref name="status"/>.</summary>
    public static Task ForStatusAsync(HttpContext context, int status, string model, int retryAfterSeconds)
    {
        if (status == StatusCodes.Status429TooManyRequests)
        {
            context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return WriteAsync(
                context,
                status,
                $"Rate limit reached for {model} in organization org-mock on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in {retryAfterSeconds}s. Visit https://platform.openai.com/account/rate-limits to learn more.",
                "requests",
                param: null,
                code: "rate_limit_exceeded");
        }

        return status switch
        {
            400 => InvalidRequestAsync(context, "Mock upstream: invalid request (injected by the status directive)."),
            401 => InvalidApiKeyAsync(context, "mock-injected-key"),
            403 => WriteAsync(context, status, $"You are not allowed to sample from {model}.", "invalid_request_error", null, "permission_denied"),
            404 => ModelNotFoundAsync(context, model),
            500 => WriteAsync(context, status, "The server had an error while processing your request. Sorry about that!", "server_error", null, null),
            502 => WriteAsync(context, status, "Bad gateway.", "server_error", null, "bad_gateway"),
            503 => WriteAsync(context, status, "The engine is currently overloaded, please try again later.", "server_error", null, "service_unavailable"),
            504 => WriteAsync(context, status, "Gateway timeout.", "server_error", null, "gateway_timeout"),
            529 => WriteAsync(context, status, "The server is overloaded, please try again later.", "overloaded_error", null, "overloaded"),
            >= 500 => WriteAsync(context, status, $"Mock upstream error {status}.", "server_error", null, null),
            _ => WriteAsync(context, status, $"Mock upstream error {status}.", "invalid_request_error", null, null),
        };
    }

    // OpenAI shows a few characters of each end, never the whole key; short keys show nothing.
    internal static string MaskKey(string key) =>
        key.Length >= 12 ? string.Concat(key.AsSpan(0, 8), "***", key.AsSpan(key.Length - 3)) : "***";

    private static void WriteNullableString(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
