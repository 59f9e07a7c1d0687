using System.Buffers;
using System.Text;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Wire;

namespace Switchyard.Protocols.Gemini;

/// <summary>
/// Renders canonical events as Gemini's stream: every chunk a whole GenerateContentResponse in an SSE <c>data:</c>
/// line ended by CRLF CRLF, as Google frames it with <c>alt=sse</c>, or as the next element of one JSON array
/// (<c>[{…},\r\n{…}]</c>) without it. Text and thoughts go out as they arrive; a function call goes out whole once
/// its arguments are complete (Gemini never splits one); the last chunk carries finishReason and usage.
/// </summary>
internal sealed class GeminiStreamWriter(bool jsonArray) : IClientStreamWriter
{
    private bool _opened;

    private readonly Dictionary<int, (string Id, string Name, StringBuilder Arguments, string? Signature)> _calls = [];
    private string _id = "";
    private string _model = "";
    private TokenUsage _usage;
    private StopReason? _stopReason;
    private bool _ended;

    public void Write(StreamEvent streamEvent, IBufferWriter<byte> output)
    {
        if (_ended)
        {
            return;
        }
        switch (streamEvent)
        {
            case MessageStarted started:
                _id = started.Id;
                _model = started.Model;
                _usage = started.Usage ?? default;
                break;
            case BlockStarted { Block: ToolCallPart call } block:
                _calls[block.Index] = (call.Id, call.Name, new StringBuilder(call.Arguments), call.ThoughtSignature);
                break;
            case TextDelta { Text.Length: > 0 } text:
                Chunk(output, w => GeminiParts.WriteText(w, text.Text), finish: null);
                break;
            case ThinkingDelta { Text.Length: > 0 } thinking:
                Chunk(output, w => GeminiParts.WriteText(w, thinking.Text, thought: true), finish: null);
                break;
            case ToolArgumentsDelta arguments when _calls.TryGetValue(arguments.Index, out var call):
                call.Arguments.Append(arguments.Json);
                break;
            case BlockStopped stopped when _calls.Remove(stopped.Index, out var call):
                Chunk(output, w => GeminiParts.WriteFunctionCall(w, call.Name, call.Arguments.ToString(), call.Id, call.Signature), finish: null);
                break;
            case MessageDelta delta:
                _stopReason = delta.StopReason ?? _stopReason;
                if (delta.Usage is { } usage)
                {
                    _usage = usage;
                }
                break;
            case MessageStopped:
                Finish(output);
                break;
            case StreamFailed failed:
                _ended = true;
                var data = new ArrayBufferWriter<byte>(256);
                GeminiErrors.Write(data, failed.Error);
                Frame(output, data.WrittenSpan);
                CloseArray(output);
                break;
            default:
                break;
        }
    }

    private void Finish(IBufferWriter<byte> output)
    {
        _ended = true;
        // Calls the upstream never closed still reach the client, before the final chunk.
        foreach (var (_, call) in _calls.OrderBy(c => c.Key))
        {
            Chunk(output, w => GeminiParts.WriteFunctionCall(w, call.Name, call.Arguments.ToString(), call.Id, call.Signature), finish: null);
        }
        _calls.Clear();
        // Gemini's last chunk carries an empty text part beside the finish reason and the complete usage.
        Chunk(output, w => GeminiParts.WriteText(w, ""), GeminiFinishReason.FromCanonical(_stopReason ?? StopReason.EndTurn));
        CloseArray(output);
    }

    private void CloseArray(IBufferWriter<byte> output)
    {
        if (jsonArray)
        {
            output.Write("]"u8);
        }
    }

    private void Chunk(IBufferWriter<byte> output, Action<Utf8JsonWriter> part, string? finish)
    {
        var data = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(data, GatewayJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("candidates");
            writer.WriteStartObject();
            writer.WriteStartObject("content");
            writer.WriteStartArray("parts");
            part(writer);
            writer.WriteEndArray();
            writer.WriteString("role", "model");
            writer.WriteEndObject();
            if (finish is not null)
            {
                writer.WriteString("finishReason", finish);
            }
            writer.WriteNumber("index", 0);
            writer.WriteEndObject();
            writer.WriteEndArray();
            if (finish is not null)
            {
                GeminiUsageReader.Write(writer, _usage);
            }
            else if (_usage.Input > 0)
            {
                // Before the end Gemini reports only the prompt, which some upstreams announce at the start.
                writer.WriteStartObject("usageMetadata");
                writer.WriteNumber("promptTokenCount", _usage.Input);
                writer.WriteNumber("totalTokenCount", _usage.Input);
                writer.WriteEndObject();
            }
            writer.WriteString("modelVersion", _model);
            writer.WriteString("responseId", _id);
            writer.WriteEndObject();
        }
        Frame(output, data.WrittenSpan);
    }

    private void Frame(IBufferWriter<byte> output, ReadOnlySpan<byte> json)
    {
        if (jsonArray)
        {
            output.Write(_opened ? ",\r\n"u8 : "["u8);
            _opened = true;
            output.Write(json);
            return;
        }
        output.Write("data: "u8);
        output.Write(json);
        output.Write("\r\n\r\n"u8);
    }
}
