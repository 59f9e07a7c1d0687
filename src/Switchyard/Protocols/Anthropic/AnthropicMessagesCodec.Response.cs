using System.Buffers;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Wire;

namespace Switchyard.Protocols.Anthropic;

public sealed partial class AnthropicMessagesCodec
{
    public void WriteResponse(IBufferWriter<byte> output, ChatResponse response)
    {
        using var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("id", response.Id.StartsWith("msg_", StringComparison.Ordinal) ? response.Id : "msg_" + response.Id);
        writer.WriteString("type", "message");
        writer.WriteString("role", "assistant");
        writer.WriteString("model", response.Model);
        writer.WriteStartArray("content");
        foreach (var part in response.Content)
        {
            WriteBlock(writer, part);
        }
        writer.WriteEndArray();
        writer.WriteString("stop_reason", StopReasonName(response.StopReason));
        if (response.StopSequence is { } sequence)
        {
            writer.WriteString("stop_sequence", sequence);
        }
        else
        {
            writer.WriteNull("stop_sequence");
        }
        WriteUsage(writer, response.Usage);
        writer.WriteEndObject();
    }

    private static void WriteBlock(Utf8JsonWriter writer, ContentPart part)
    {
        switch (part)
        {
            case TextPart { Text.Length: > 0 } text:
                writer.WriteStartObject();
                writer.WriteString("type", "text");
                writer.WriteString("text", text.Text);
                writer.WriteEndObject();
                break;
            case ToolCallPart call:
                writer.WriteStartObject();
                writer.WriteString("type", "tool_use");
                writer.WriteString("id", ToolCallIds.ToWire(call));
                // Anthropic's ToolUseBlock requires caller; the official C# SDK rejects a block without it. Tools a
                // canonical answer carries are client tools, which the model calls directly.
                writer.WriteStartObject("caller");
                writer.WriteString("type", "direct");
                writer.WriteEndObject();
                writer.WriteString("name", call.Name);
                JsonText.WriteObject(writer, "input", call.Arguments);
                writer.WriteEndObject();
                break;
            case ThinkingPart thinking:
                // Reasoning from another provider family has no signature; an empty one tells the client so.
                writer.WriteStartObject();
                writer.WriteString("type", "thinking");
                writer.WriteString("thinking", thinking.Text);
                writer.WriteString("signature", thinking.Signature ?? "");
                writer.WriteEndObject();
                break;
            case RedactedThinkingPart redacted:
                writer.WriteStartObject();
                writer.WriteString("type", "redacted_thinking");
                writer.WriteString("data", redacted.Data);
                writer.WriteEndObject();
                break;
            default:
                break;
        }
    }
}
