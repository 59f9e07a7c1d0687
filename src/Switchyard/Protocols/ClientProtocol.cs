using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Switchyard.Configuration;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols;

namespace Switchyard.Protocols;

/// <summary>
/// Everything the relay needs to know about one client-facing protocol: where its key is, how it reports errors,
/// how to convert it (its <see cref="Codec"/>), and how to forward it untouched to an upstream of the same family.
/// </summary>
public abstract class ClientProtocol
{
    /// <summary>The ledger's endpoint name: "chat.completions", "messages", …</summary>
    public abstract string Endpoint { get; }

    /// <summary>The channel type that speaks this protocol natively, for the byte-forwarding fast path.</summary>
    public abstract ChannelFamily Family { get; }

    /// <summary>Whether the channel speaks this protocol as is, so the request takes the byte-forwarding fast path.</summary>
    public virtual bool IsNative(Configuration.ChannelConfig channel) => channel.Family == Family;

    /// <summary>The top-level array the body must carry ("messages"), or null.</summary>
    public abstract string? RequiredArray { get; }

    /// <summary>A top-level field the body must carry ("input" for embeddings), or null.</summary>
    public virtual string? RequiredField => null;

    public virtual bool CanStream => true;

    /// <summary>Converts to and from the canonical model; null when this protocol is served only natively.</summary>
    public abstract IClientCodec? Codec { get; }

    public abstract ReadOnlySpan<char> ApiKey(HttpRequest request);

    /// <summary>The token of an <c>Authorization: Bearer</c> header, or empty.</summary>
    public static ReadOnlySpan<char> BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization;
        if (StringValues.IsNullOrEmpty(header))
        {
            return default;
        }
        var value = header.ToString().AsSpan().Trim();
        return value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..].Trim() : default;
    }

    public abstract void WriteError(IBufferWriter<byte> output, GatewayError error);

    /// <summary>An error inside a stream that already started, as this protocol frames it.</summary>
    public abstract void WriteStreamError(IBufferWriter<byte> output, GatewayError error);

    // The fast path: same protocol on both sides.

    public abstract string UpstreamPath { get; }

    /// <summary>The upstream path for one request, for protocols whose path names the model (Gemini).</summary>
    public virtual string UpstreamPathFor(RequestEnvelope request, string upstreamModel) => UpstreamPath;

    /// <summary>Reads the fields the relay needs; protocols that carry the model in the URL read it from there.</summary>
    public virtual RequestEnvelope? ReadEnvelope(HttpRequest request, ReadOnlyMemory<byte> body, out GatewayError? error) =>
        RequestEnvelope.Parse(body, RequiredArray, RequiredField, out error);

    public abstract void WriteUpstreamBody(RequestEnvelope request, string upstreamModel, IBufferWriter<byte> output);

    public abstract void AddUpstreamHeaders(HttpRequestMessage message, HttpRequest client, string? apiKey);

    public abstract bool TryReadUsage(ReadOnlySpan<byte> responseBody, out TokenUsage usage);

    /// <summary>Whether an upstream error body is already in this protocol's shape and can pass through as is.</summary>
    public abstract bool IsOwnErrorShape(ReadOnlySpan<byte> body);

    public abstract IStreamTap CreateStreamTap(RequestEnvelope request);

    /// <summary>
    /// For endpoints a non-native upstream cannot answer but the gateway can (count_tokens): writes the answer
    /// from the canonical request; null means the request goes upstream through the provider adapter.
    /// </summary>
    public virtual Action<ChatRequest, IBufferWriter<byte>>? LocalAnswer => null;

    /// <summary>
    /// For non-chat endpoints a channel of another family serves after a rewrite (Gemini embeddings on an OpenAI
    /// upstream): the call for <paramref name="channel"/>, or null when it cannot serve them. Sets
    /// <paramref name="error"/> instead when this request cannot be rewritten for it.
    /// </summary>
    public virtual BridgedCall? Bridge(RequestEnvelope request, Configuration.ChannelConfig channel, string upstreamModel, out GatewayError? error)
    {
        error = null;
        return null;
    }

    /// <summary>The usage to bill when a native upstream's answer reports none (Gemini embeddings), or null.</summary>
    public virtual TokenUsage? EstimateUsage(RequestEnvelope request) => null;

    /// <summary>The media type of a streamed answer: SSE, or JSON for Gemini's streamed array.</summary>
    public virtual string StreamContentType => "text/event-stream; charset=utf-8";

    /// <summary>The writer rendering one converted stream; protocols with more than one stream framing choose here.</summary>
    public virtual IClientStreamWriter CreateStreamWriter(IClientCodec codec, ChatRequest request) => codec.CreateStreamWriter(request);

    /// <summary>An upstream error body already in this protocol's shape, as the client gets it.</summary>
    public virtual void WritePassedError(IBufferWriter<byte> output, ReadOnlySpan<byte> upstreamBody) => output.Write(upstreamBody);
}

/// <summary>Watches a same-protocol stream on its way through: taps usage, drops frames the client must not see.</summary>
public interface IStreamTap
{
    /// <returns>False to drop the frame.</returns>
    bool OnFrame(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data);

    TokenUsage Usage { get; }

    /// <summary>
    /// The frames relayed so far end a complete stream (<c>[DONE]</c>, <c>message_stop</c>, <c>response.completed</c>,
    /// Gemini's chunk with a finishReason): a client may close once it has them, and has then not left early.
    /// </summary>
    bool Finished => false;

    /// <summary>What ends each relayed frame: a blank line, or CRLF CRLF where the upstream frames so (Gemini).</summary>
    ReadOnlySpan<byte> FrameEnd => "\n\n"u8;

    /// <summary>Writes a frame <see cref="OnFrame"/> kept: as it came, unless the client's framing differs (Gemini's JSON array).</summary>
    void Relay(ReadOnlySequence<byte> frame, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        foreach (var segment in frame)
        {
            output.Write(segment.Span);
        }
        output.Write(FrameEnd);
    }

    /// <summary>An error after the stream started, framed as this stream frames its events.</summary>
    void WriteError(ClientProtocol protocol, IBufferWriter<byte> output, GatewayError error) => protocol.WriteStreamError(output, error);

    /// <summary>
    /// The upstream closed the stream. Writes whatever a complete stream still lacks (OpenAI's <c>[DONE]</c>),
    /// or returns the error if the stream was cut short.
    /// </summary>
    GatewayError? Complete(IBufferWriter<byte> output);
}
