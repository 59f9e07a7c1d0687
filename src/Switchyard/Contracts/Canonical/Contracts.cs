using System.Buffers;

namespace Switchyard.Contracts.Canonical;

/// <summary>
/// What a client speaks (OpenAI chat, Anthropic messages, …). Pure: bytes in, bytes out, no HTTP, so every
/// conversion is golden-file tested.
/// </summary>
public interface IClientCodec
{
    /// <summary>"openai.chat", "anthropic.messages", …</summary>
    string Name { get; }

    /// <returns>The request, or null with <paramref name="error"/> saying what is wrong with it.</returns>
    ChatRequest? ReadRequest(ReadOnlyMemory<byte> body, out GatewayError? error);

    void WriteResponse(IBufferWriter<byte> output, ChatResponse response);

    /// <summary>The answer to <paramref name="request"/>; protocols whose answer echoes request fields (Responses) override it.</summary>
    void WriteResponse(IBufferWriter<byte> output, ChatResponse response, ChatRequest request) => WriteResponse(output, response);

    /// <summary>A writer for one stream: turns canonical events into this protocol's SSE frames.</summary>
    IClientStreamWriter CreateStreamWriter(ChatRequest request);

    /// <summary>The error body in this protocol's shape (status is set by the caller).</summary>
    void WriteError(IBufferWriter<byte> output, GatewayError error);
}

public interface IClientStreamWriter
{
    /// <summary>Writes zero or more complete SSE frames for the event.</summary>
    void Write(StreamEvent streamEvent, IBufferWriter<byte> output);
}

/// <summary>What an upstream speaks. Builds request bodies and reads answers; the HTTP exchange is the relay's.</summary>
public interface IProviderAdapter
{
    /// <summary>The channel <c>type</c> that selects it: "openai", "anthropic".</summary>
    string Name { get; }

    /// <summary>Path relative to the channel's base URL, e.g. "chat/completions" or "messages".</summary>
    string RequestPath(ChatRequest request);

    /// <summary>The path when it names the model (Gemini's <c>models/{model}:generateContent</c>).</summary>
    string RequestPath(ChatRequest request, string upstreamModel) => RequestPath(request);

    /// <summary>A 400 for a request this upstream's format cannot carry at all (checked before the body is written), else null.</summary>
    GatewayError? Refuse(ChatRequest request) => null;

    /// <summary>Whether this upstream family has an equivalent of the client's hosted tool (Anthropic's server web search, Gemini's Google Search grounding).</summary>
    bool CanHost(HostedTool tool) => false;

    /// <summary>The upstream body. Streams always ask for usage.</summary>
    void WriteRequest(IBufferWriter<byte> output, ChatRequest request, string upstreamModel);

    /// <summary>Auth and protocol headers for this provider.</summary>
    void AddHeaders(HttpRequestMessage message, string? apiKey);

    ChatResponse? ReadResponse(ReadOnlySpan<byte> body, out GatewayError? error);

    IUpstreamStreamParser CreateStreamParser();

    /// <summary>An upstream error answer in neutral terms (kind, status to give the client, message, retryable).</summary>
    GatewayError ReadError(int status, ReadOnlySpan<byte> body);
}

/// <summary>Turns one upstream SSE stream into canonical events, frame by frame.</summary>
public interface IUpstreamStreamParser
{
    /// <param name="eventName">The frame's <c>event:</c> value, empty if none.</param>
    /// <param name="data">The frame's joined <c>data:</c> value.</param>
    void OnFrame(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, List<StreamEvent> output);

    /// <summary>The upstream closed the stream; emit whatever completes it (or report it incomplete).</summary>
    void OnEnd(List<StreamEvent> output);

    /// <summary>The usage seen so far, in OpenAI semantics.</summary>
    Contracts.TokenUsage Usage { get; }
}
