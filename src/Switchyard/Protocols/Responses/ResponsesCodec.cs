using System.Buffers;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.OpenAi;

namespace Switchyard.Protocols.Responses;

/// <summary>
/// The OpenAI Responses API as a client codec (Codex, the OpenAI SDKs' Responses clients), used when the model's
/// channel does not speak it: input items read into the canonical model, answers written back as Response objects
/// and typed stream events. Conversation state held upstream (previous_response_id) cannot be converted and is refused.
/// </summary>
public sealed partial class ResponsesCodec(TimeProvider time) : IClientCodec
{
    public string Name => "openai.responses";

    public IClientStreamWriter CreateStreamWriter(ChatRequest request) => new ResponsesEventWriter(request, time.GetUtcNow().ToUnixTimeSeconds());

    public void WriteError(IBufferWriter<byte> output, GatewayError error)
    {
        using var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions);
        OpenAiErrors.WriteBody(writer, error);
    }

    public void WriteResponse(IBufferWriter<byte> output, ChatResponse response) =>
        WriteResponse(output, response, new ChatRequest { Model = response.Model, Messages = [] });

    public void WriteResponse(IBufferWriter<byte> output, ChatResponse response, ChatRequest request)
    {
        var ids = new ResponseIds(response.Id);
        using var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions);
        ResponseObject.Write(writer, ids, response.Model, time.GetUtcNow().ToUnixTimeSeconds(), request,
            ResponseIds.FinalStatus(response.StopReason), Items(response.Content, ids, request), response.Usage);
    }

    /// <summary>Consecutive text parts make one message item; each call and each piece of reasoning is an item of its own.</summary>
    private static List<OutputItem> Items(IReadOnlyList<ContentPart> content, ResponseIds ids, ChatRequest request)
    {
        var items = new List<OutputItem>();
        foreach (var part in content)
        {
            switch (part)
            {
                case TextPart { Text.Length: > 0 } text when items.Count > 0 && items[^1] is MessageItem open:
                    items[^1] = open with { Text = open.Text + text.Text };
                    break;
                case TextPart { Text.Length: > 0 } text:
                    items.Add(new MessageItem(ids.Item("msg", items.Count), text.Text));
                    break;
                case ToolCallPart call:
                    items.Add(ClientToolCalls.Item(request, ids.Item(ClientToolCalls.Find(request, call.Name)?.Kind == ToolKind.Custom ? "ctc" : "fc", items.Count),
                        ToolCallIds.ToWire(call), call));
                    break;
                case ThinkingPart or RedactedThinkingPart:
                    var summary = part is ThinkingPart thinking && request.Thinking?.Summary is not null ? thinking.Text : null;
                    items.Add(new ReasoningItem(ids.Item("rs", items.Count), summary, ReasoningEnvelope.Seal(part)));
                    break;
                default:
                    break;
            }
        }
        return items;
    }
}
