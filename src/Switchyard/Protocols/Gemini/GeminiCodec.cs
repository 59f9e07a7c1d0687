using System.Buffers;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Wire;

namespace Switchyard.Protocols.Gemini;

/// <summary>
/// Gemini's generateContent as a client codec: what Google's SDKs (@google/genai, google-genai) send, read into the
/// canonical model, and canonical answers written back as GenerateContentResponse bodies and stream chunks. The
/// model and whether to stream are in the URL, not the body: the relay supplies them.
/// </summary>
public sealed partial class GeminiCodec : IClientCodec
{
    public string Name => "gemini";

    public IClientStreamWriter CreateStreamWriter(ChatRequest request) => new GeminiStreamWriter(jsonArray: false);

    public void WriteError(IBufferWriter<byte> output, GatewayError error) => GeminiErrors.Write(output, error);

    public void WriteResponse(IBufferWriter<byte> output, ChatResponse response)
    {
        using var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteStartArray("candidates");
        writer.WriteStartObject();
        writer.WriteStartObject("content");
        writer.WriteStartArray("parts");
        foreach (var part in response.Content)
        {
            WritePart(writer, part);
        }
        writer.WriteEndArray();
        writer.WriteString("role", "model");
        writer.WriteEndObject();
        writer.WriteString("finishReason", GeminiFinishReason.FromCanonical(response.StopReason));
        writer.WriteNumber("index", 0);
        writer.WriteEndObject();
        writer.WriteEndArray();
        GeminiUsageReader.Write(writer, response.Usage);
        writer.WriteString("modelVersion", response.Model);
        writer.WriteString("responseId", response.Id);
        writer.WriteEndObject();
    }

    private static void WritePart(Utf8JsonWriter writer, ContentPart part)
    {
        switch (part)
        {
            case TextPart text when text.Text.Length > 0 || text.ThoughtSignature is not null:
                GeminiParts.WriteText(writer, text.Text, signature: text.ThoughtSignature);
                break;
            case ThinkingPart thinking when thinking.Text.Length > 0 || thinking.ThoughtSignature is not null:
                GeminiParts.WriteText(writer, thinking.Text, thought: true, signature: thinking.ThoughtSignature);
                break;
            case ToolCallPart call:
                // The id lets the client's functionResponse name the call it answers when the history comes back.
                GeminiParts.WriteFunctionCall(writer, call.Name, call.Arguments, call.Id, call.ThoughtSignature);
                break;
            default:
                break;
        }
    }
}
