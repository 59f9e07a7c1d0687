using System.Buffers;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;

namespace Switchyard.Protocols.OpenAi;

/// <summary>
/// OpenAI Chat Completions as a client codec, used when the upstream speaks another protocol (an OpenAI client
/// asking for a Claude model): requests read into the canonical model, answers written back as OpenAI's.
/// The upstream's id (e.g. <c>msg_…</c>) is kept as the completion id: the OpenAI SDKs take any string there, and
/// the same id in client and upstream logs ties the two together.
/// </summary>
public sealed partial class OpenAiChatConverter(TimeProvider time) : IClientCodec
{
    public string Name => "openai.chat";

    public void WriteError(IBufferWriter<byte> output, GatewayError error)
    {
        using var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions);
        OpenAiErrors.WriteBody(writer, error);
    }

    public IClientStreamWriter CreateStreamWriter(ChatRequest request) => new OpenAiChunkWriter(request.ClientWantsUsage, time.GetUtcNow().ToUnixTimeSeconds());

    internal static string FinishReason(StopReason reason) => reason switch
    {
        // The answer was cut by a limit either way; Chat Completions names only one.
        StopReason.MaxTokens or StopReason.ContextWindowExceeded => "length",
        StopReason.ToolUse => "tool_calls",
        StopReason.ContentFilter or StopReason.Refusal => "content_filter",
        _ => "stop",
    };

    internal static void WriteUsage(Utf8JsonWriter writer, Contracts.TokenUsage usage)
    {
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", usage.Input);
        writer.WriteNumber("completion_tokens", usage.Output);
        writer.WriteNumber("total_tokens", usage.Total);
        writer.WriteStartObject("prompt_tokens_details");
        writer.WriteNumber("cached_tokens", usage.Cached);
        if (usage.CacheWrite > 0)
        {
            // CompletionUsage's own field for cache writes (Anthropic bills them apart); omitted when none, as OpenAI does.
            writer.WriteNumber("cache_write_tokens", usage.CacheWrite);
        }
        writer.WriteEndObject();
        writer.WriteStartObject("completion_tokens_details");
        writer.WriteNumber("reasoning_tokens", usage.Reasoning);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public void WriteResponse(IBufferWriter<byte> output, ChatResponse response)
    {
        using var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("id", response.Id);
        writer.WriteString("object", "chat.completion");
        writer.WriteNumber("created", time.GetUtcNow().ToUnixTimeSeconds());
        writer.WriteString("model", response.Model);
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        writer.WriteStartObject("message");
        writer.WriteString("role", "assistant");
        var text = string.Concat(response.Content.OfType<TextPart>().Select(p => p.Text));
        if (text.Length > 0)
        {
            writer.WriteString("content", text);
        }
        else
        {
            writer.WriteNull("content");
        }
        var thinking = string.Concat(response.Content.OfType<ThinkingPart>().Select(p => p.Text));
        if (thinking.Length > 0)
        {
            // DeepSeek's field, which OpenAI-compatible clients already read for reasoning.
            writer.WriteString("reasoning_content", thinking);
        }
        var calls = response.Content.OfType<ToolCallPart>().ToList();
        if (calls.Count > 0)
        {
            writer.WriteStartArray("tool_calls");
            foreach (var call in calls)
            {
                writer.WriteStartObject();
                writer.WriteString("id", ToolCallIds.ToWire(call));
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
                writer.WriteString("name", call.Name);
                writer.WriteString("arguments", call.Arguments);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        writer.WriteNull("refusal");
        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        writer.WriteString("finish_reason", FinishReason(response.StopReason));
        writer.WriteEndObject();
        writer.WriteEndArray();
        WriteUsage(writer, response.Usage);
        writer.WriteEndObject();
    }
}
