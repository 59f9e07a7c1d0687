using System.Buffers;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;

namespace Switchyard.Protocols.OpenAi;

/// <summary>
/// Renders canonical stream events as OpenAI chat-completion chunks: role first, content and reasoning deltas,
/// tool calls numbered in the order they open, the finish reason, the usage chunk if the client asked, one [DONE].
/// After an error frame nothing more is written: OpenAI ends a failed stream without [DONE].
/// </summary>
internal sealed class OpenAiChunkWriter(bool clientWantsUsage, long created) : IClientStreamWriter
{
    private readonly Dictionary<int, int> _toolOrdinal = [];
    private string _id = "chatcmpl-switchyard";
    private string _model = "";
    private TokenUsage _usage;
    private bool _finished;
    private bool _done;

    public void Write(StreamEvent streamEvent, IBufferWriter<byte> output)
    {
        if (_done)
        {
            return;
        }
        switch (streamEvent)
        {
            case MessageStarted started:
                _id = started.Id;
                _model = started.Model;
                _usage = started.Usage ?? default;
                Chunk(output, w => { w.WriteString("role", "assistant"); w.WriteString("content", ""); });
                break;
            case BlockStarted { Block: ToolCallPart call } block:
                var ordinal = _toolOrdinal.Count;
                _toolOrdinal[block.Index] = ordinal;
                Chunk(output, w => ToolDelta(w, ordinal, ToolCallIds.ToWire(call), call.Name, ""));
                break;
            // Empty pieces (Anthropic opens every tool's input with one) would only be empty chunks to the client.
            case TextDelta { Text.Length: > 0 } text:
                Chunk(output, w => w.WriteString("content", text.Text));
                break;
            case ThinkingDelta { Text.Length: > 0 } thinking:
                Chunk(output, w => w.WriteString("reasoning_content", thinking.Text));
                break;
            case ToolArgumentsDelta { Json.Length: > 0 } arguments when _toolOrdinal.TryGetValue(arguments.Index, out var tool):
                Chunk(output, w => ToolDelta(w, tool, null, null, arguments.Json));
                break;
            case MessageDelta delta:
                if (delta.Usage is { } usage)
                {
                    _usage = usage;
                }
                if (delta.StopReason is { } stop && !_finished)
                {
                    _finished = true;
                    Chunk(output, _ => { }, OpenAiChatConverter.FinishReason(stop));
                }
                break;
            case MessageStopped:
                _done = true;
                if (!_finished)
                {
                    // Clients wait for a finish_reason before they treat the answer as whole.
                    _finished = true;
                    Chunk(output, _ => { }, "stop");
                }
                if (clientWantsUsage)
                {
                    Envelope(output, w =>
                    {
                        w.WriteStartArray("choices");
                        w.WriteEndArray();
                        OpenAiChatConverter.WriteUsage(w, _usage);
                    });
                }
                output.Write("data: [DONE]\n\n"u8);
                break;
            case StreamFailed failed:
                _done = true;
                output.Write("data: "u8);
                using (var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions))
                {
                    OpenAiErrors.WriteBody(writer, failed.Error);
                }
                output.Write("\n\n"u8);
                break;
            default:
                break;
        }
    }

    private static void ToolDelta(Utf8JsonWriter w, int index, string? id, string? name, string arguments)
    {
        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteNumber("index", index);
        if (id is not null)
        {
            w.WriteString("id", id);
            w.WriteString("type", "function");
        }
        w.WriteStartObject("function");
        if (name is not null)
        {
            w.WriteString("name", name);
        }
        w.WriteString("arguments", arguments);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private void Chunk(IBufferWriter<byte> output, Action<Utf8JsonWriter> delta, string? finishReason = null) =>
        Envelope(output, w =>
        {
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("delta");
            delta(w);
            w.WriteEndObject();
            w.WriteNull("logprobs");
            if (finishReason is null)
            {
                w.WriteNull("finish_reason");
            }
            else
            {
                w.WriteString("finish_reason", finishReason);
            }
            w.WriteEndObject();
            w.WriteEndArray();
            if (clientWantsUsage)
            {
                w.WriteNull("usage");
            }
        });

    private void Envelope(IBufferWriter<byte> output, Action<Utf8JsonWriter> body)
    {
        output.Write("data: "u8);
        using (var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("id", _id);
            writer.WriteString("object", "chat.completion.chunk");
            writer.WriteNumber("created", created);
            writer.WriteString("model", _model);
            body(writer);
            writer.WriteEndObject();
        }
        output.Write("\n\n"u8);
    }
}
