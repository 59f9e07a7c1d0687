using System.Buffers;
using Microsoft.AspNetCore.Http;
using Switchyard.Billing;
using Switchyard.Configuration;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Wire;

namespace Switchyard.Protocols.Anthropic;

/// <summary>
/// The Anthropic Messages API as clients speak it (Claude Code, the Anthropic SDKs). The key comes in
/// <c>x-api-key</c> (Claude Code, 0.x SDKs) or <c>Authorization: Bearer</c> (1.x SDKs); both are Anthropic requests here.
/// </summary>
public sealed class AnthropicMessagesProtocol(string endpoint, string upstreamPath, IClientCodec codec, bool countsTokens = false) : ClientProtocol
{
    /// <summary>Client headers an Anthropic upstream must see to give the same answer (API version, beta features).</summary>
    private static readonly string[] ForwardedHeaders = ["anthropic-version", "anthropic-beta"];

    public const string DefaultVersion = "2023-06-01";

    public override string Endpoint => endpoint;
    public override ChannelFamily Family => ChannelFamily.Anthropic;
    public override string? RequiredArray => "messages";
    public override IClientCodec? Codec => countsTokens ? codec : _messages ??= new MessagesCodec(codec);

    private MessagesCodec? _messages;
    public override string UpstreamPath => upstreamPath;

    public override ReadOnlySpan<char> ApiKey(HttpRequest request)
    {
        var header = request.Headers["x-api-key"];
        return header.Count > 0 && header[0] is { Length: > 0 } key ? key.AsSpan().Trim() : BearerToken(request);
    }

    public override void WriteError(IBufferWriter<byte> output, GatewayError error) => codec.WriteError(output, error);

    public override void WriteStreamError(IBufferWriter<byte> output, GatewayError error)
    {
        output.Write("event: error\ndata: "u8);
        codec.WriteError(output, error);
        output.Write("\n\n"u8);
    }

    public override void WriteUpstreamBody(RequestEnvelope request, string upstreamModel, IBufferWriter<byte> output) =>
        request.WriteUpstreamBody(output, upstreamModel, askForStreamUsage: false);

    public override void AddUpstreamHeaders(HttpRequestMessage message, HttpRequest client, string? apiKey)
    {
        if (apiKey is not null)
        {
            message.Headers.TryAddWithoutValidation("x-api-key", apiKey);
        }
        var sentVersion = false;
        foreach (var name in ForwardedHeaders)
        {
            var values = client.Headers[name];
            if (values.Count > 0)
            {
                message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
                sentVersion |= name == "anthropic-version";
            }
        }
        if (!sentVersion)
        {
            message.Headers.TryAddWithoutValidation("anthropic-version", DefaultVersion);
        }
    }

    public override bool TryReadUsage(ReadOnlySpan<byte> responseBody, out TokenUsage usage)
    {
        var found = AnthropicUsageReader.TryRead(responseBody, out var fields);
        usage = fields.ToUsage();
        return found;
    }

    public override bool IsOwnErrorShape(ReadOnlySpan<byte> body) =>
        body.IndexOf("\"type\""u8) >= 0 && body.IndexOf("\"error\""u8) >= 0 && AnthropicErrorShape.Matches(body);

    public override IStreamTap CreateStreamTap(RequestEnvelope request) => new AnthropicStreamTap();

    public override bool CanStream => !countsTokens;

    /// <summary>count_tokens on a non-Anthropic channel: estimated here, since no other provider can count for Claude.</summary>
    public override Action<ChatRequest, IBufferWriter<byte>>? LocalAnswer => countsTokens ? WriteTokenCount : null;

    private static void WriteTokenCount(ChatRequest request, IBufferWriter<byte> output)
    {
        using var writer = new System.Text.Json.Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteNumber("input_tokens", Billing.TokenEstimator.Estimate(request));
        writer.WriteEndObject();
    }
}

internal static class AnthropicErrorShape
{
    /// <summary><c>{"type":"error","error":{…}}</c>.</summary>
    public static bool Matches(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != System.Text.Json.JsonTokenType.StartObject)
            {
                return false;
            }
            bool typeIsError = false, hasError = false;
            while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    typeIsError = reader.TokenType == System.Text.Json.JsonTokenType.String && reader.ValueTextEquals("error"u8);
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    hasError = reader.TokenType == System.Text.Json.JsonTokenType.StartObject;
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            return typeIsError && hasError;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
