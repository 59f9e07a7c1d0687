using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchyard.Contracts;

namespace Switchyard.Protocols.OpenAi;

/// <summary>Renders errors as OpenAI's <c>{"error":{"message","type","param","code"}}</c>.</summary>
public static class OpenAiErrors
{
    public static (string Type, string? Code) TypeAndCode(GatewayError error) => error.Kind switch
    {
        GatewayErrorKind.MissingKey or GatewayErrorKind.InvalidKey => ("invalid_request_error", "invalid_api_key"),
        GatewayErrorKind.ModelNotAllowed => ("invalid_request_error", "model_not_allowed"),
        GatewayErrorKind.ModelNotFound => ("invalid_request_error", "model_not_found"),
        GatewayErrorKind.NoChannel => ("invalid_request_error", "model_not_available"),
        GatewayErrorKind.BodyTooLarge => ("invalid_request_error", "request_too_large"),
        GatewayErrorKind.MalformedJson or GatewayErrorKind.InvalidRequest => ("invalid_request_error", error.Code),
        GatewayErrorKind.RateLimited => ("rate_limit_exceeded", "rate_limit_exceeded"),
        GatewayErrorKind.UpstreamTimeout => ("api_error", "upstream_timeout"),
        GatewayErrorKind.UpstreamUnreachable => ("api_error", "upstream_unreachable"),
        GatewayErrorKind.UpstreamStreamBroken => ("api_error", "upstream_stream_broken"),
        GatewayErrorKind.UpstreamMalformed => ("api_error", "upstream_malformed"),
        GatewayErrorKind.UpstreamTooLarge => ("api_error", "upstream_body_too_large"),
        GatewayErrorKind.ClientDisconnected => ("api_error", "client_disconnected"),
        GatewayErrorKind.ClientStalled => ("api_error", "client_stalled"),
        // An upstream's refusal in another protocol keeps its meaning: a 4xx is still the request's fault.
        GatewayErrorKind.UpstreamError when error.Status == 429 => ("rate_limit_exceeded", error.Code ?? "rate_limit_exceeded"),
        GatewayErrorKind.UpstreamError when error.Status is >= 400 and < 500 => ("invalid_request_error", error.Code),
        GatewayErrorKind.UpstreamError or GatewayErrorKind.Internal => ("api_error", error.Code),
        _ => ("api_error", error.Code),
    };

    public static void WriteBody(Utf8JsonWriter writer, GatewayError error)
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

    public static async Task WriteAsync(HttpResponse response, GatewayError error, CancellationToken cancellationToken)
    {
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (!error.UpstreamBody.IsEmpty)
        {
            await response.Body.WriteAsync(error.UpstreamBody, cancellationToken);
            return;
        }
        using (var writer = new Utf8JsonWriter(response.BodyWriter, GatewayJson.WriterOptions))
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
