using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchyard.Relay;

namespace Switchyard.Protocols.OpenAi;

/// <summary>Renders errors as OpenAI's <c>{"error":{"message","type","param","code"}}</c>.</summary>
public static class OpenAiErrors
{
    /// <summary>Messages stay readable (apostrophes, CJK) rather than \u-escaped; the body is always served as JSON.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static (string Type, string? Code) TypeAndCode(RelayError error) => error.Kind switch
    {
        RelayErrorKind.MissingKey or RelayErrorKind.InvalidKey => ("invalid_request_error", "invalid_api_key"),
        RelayErrorKind.ModelNotAllowed => ("invalid_request_error", "model_not_allowed"),
        RelayErrorKind.ModelNotFound => ("invalid_request_error", "model_not_found"),
        RelayErrorKind.NoChannel => ("invalid_request_error", "model_not_available"),
        RelayErrorKind.BodyTooLarge => ("invalid_request_error", "request_too_large"),
        RelayErrorKind.MalformedJson or RelayErrorKind.InvalidRequest => ("invalid_request_error", error.Code),
        RelayErrorKind.RateLimited => ("rate_limit_exceeded", "rate_limit_exceeded"),
        RelayErrorKind.UpstreamTimeout => ("api_error", "upstream_timeout"),
        RelayErrorKind.UpstreamUnreachable => ("api_error", "upstream_unreachable"),
        RelayErrorKind.UpstreamStreamBroken => ("api_error", "upstream_stream_broken"),
        RelayErrorKind.ClientDisconnected => ("api_error", "client_disconnected"),
        // An upstream's refusal in another protocol keeps its meaning: a 4xx is still the request's fault.
        RelayErrorKind.UpstreamError when error.Status == 429 => ("rate_limit_exceeded", error.Code ?? "rate_limit_exceeded"),
        RelayErrorKind.UpstreamError when error.Status is >= 400 and < 500 => ("invalid_request_error", error.Code),
        RelayErrorKind.UpstreamError or RelayErrorKind.Internal => ("api_error", error.Code),
        _ => ("api_error", error.Code),
    };

    public static void WriteBody(Utf8JsonWriter writer, RelayError error)
    {
        var (type, code) = TypeAndCode(error);
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", error.Message);
        writer.WriteString("type", type);
        if (error.Param is null)
        {
            writer.WriteNull("param");
        }
        else
        {
            writer.WriteString("param", error.Param);
        }
        if ((code ?? error.Code) is { } finalCode)
        {
            writer.WriteString("code", finalCode);
        }
        else
        {
            writer.WriteNull("code");
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static async Task WriteAsync(HttpResponse response, RelayError error, CancellationToken cancellationToken)
    {
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (!error.UpstreamBody.IsEmpty)
        {
            await response.Body.WriteAsync(error.UpstreamBody, cancellationToken);
            return;
        }
        using (var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions))
        {
            WriteBody(writer, error);
        }
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>Whether an upstream error body already has OpenAI's shape and may be passed through unchanged.</summary>
    public static bool IsOpenAiErrorBody(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isError = reader.ValueTextEquals("error"u8);
                reader.Read();
                if (isError)
                {
                    return reader.TokenType == JsonTokenType.StartObject;
                }
                reader.Skip();
            }
            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
