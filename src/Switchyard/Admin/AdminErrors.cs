using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Switchyard.Admin;

/// <summary>The admin API's one error shape: <c>{"error":{"type","message","param"?,"code"?}}</c>.</summary>
public static class AdminErrors
{
    public static string TypeFor(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        409 => "conflict_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        _ => "api_error",
    };

    /// <summary>Writes the error; the message passes the redactor first, since it may quote what the caller sent.</summary>
    public static async Task WriteAsync(HttpResponse response, int status, string message, string? param = null, string? code = null)
    {
        if (response.HttpContext.RequestServices.GetService(typeof(Security.Redactor)) is Security.Redactor redactor)
        {
            message = redactor.Redact(message);
        }
        response.StatusCode = status;
        response.ContentType = "application/json";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("type", TypeFor(status));
            writer.WriteString("message", message);
            if (param is not null)
            {
                writer.WriteString("param", param);
            }
            if (code is not null)
            {
                writer.WriteString("code", code);
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        await response.Body.WriteAsync(buffer.WrittenMemory, response.HttpContext.RequestAborted);
    }

    public static IResult Result(int status, string message, string? param = null, string? code = null) => new ErrorResult(status, message, param, code);

    public static IResult Forbidden(string message = "Your role does not allow this.") => Result(403, message, code: "forbidden");

    private sealed class ErrorResult(int status, string message, string? param, string? code) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext.Response, status, message, param, code);
    }
}
