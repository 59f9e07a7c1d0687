using System.Buffers;
using System.Text;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;

namespace Switchyard.Protocols.Responses;

/// <summary>
/// Renders canonical stream events as the Responses API's typed events (<c>event: TYPE</c>, JSON with <c>type</c> and a
/// <c>sequence_number</c> from 0): response.created and response.in_progress, then per block an output item that is
/// added, streamed (output_text, function_call_arguments, reasoning_summary_text) and done, and at the end
/// response.completed (response.incomplete when cut by max_output_tokens) with usage, or response.failed.
/// </summary>
internal sealed class ResponsesEventWriter(ChatRequest request, long createdAt) : IClientStreamWriter
{
    private readonly Dictionary<int, OpenItem> _open = [];
    private readonly List<OutputItem?> _items = [];
    private ResponseIds? _ids;
    private string _model = request.Model;
    private TokenUsage _usage;
    private StopReason? _stop;
    private int _sequence;
    private bool _done;

    private bool WantsSummary => request.Thinking?.Summary is not null;

    public void Write(StreamEvent streamEvent, IBufferWriter<byte> output)
    {
        if (_done)
        {
            return;
        }
        if (_ids is null && streamEvent is not MessageStarted)
        {
            Start(new MessageStarted("", request.Model, null), output);
        }
        switch (streamEvent)
        {
            case MessageStarted started when _ids is null:
                Start(started, output);
                break;
            case BlockStarted block:
                Open(block, output);
                break;
            case TextDelta { Text.Length: > 0 } text when _open.TryGetValue(text.Index, out var item) && item.Kind == ItemKind.Message:
                item.Text.Append(text.Text);
                Event(output, "response.output_text.delta", w =>
                {
                    Position(w, item);
                    w.WriteNumber("content_index", 0);
                    w.WriteString("delta", text.Text);
                    w.WriteStartArray("logprobs");
                    w.WriteEndArray();
                });
                break;
            case ThinkingDelta { Text.Length: > 0 } thinking when _open.TryGetValue(thinking.Index, out var item) && item.Kind == ItemKind.Reasoning:
                item.Text.Append(thinking.Text);
                if (WantsSummary)
                {
                    if (!item.SummaryOpen)
                    {
                        item.SummaryOpen = true;
                        SummaryPart(output, "response.reasoning_summary_part.added", item, "");
                    }
                    Event(output, "response.reasoning_summary_text.delta", w =>
                    {
                        Position(w, item);
                        w.WriteNumber("summary_index", 0);
                        w.WriteString("delta", thinking.Text);
                    });
                }
                break;
            case SignatureDelta signature when _open.TryGetValue(signature.Index, out var item):
                item.Signature = (item.Signature ?? "") + signature.Signature;
                break;
            case ToolArgumentsDelta { Json.Length: > 0 } arguments when _open.TryGetValue(arguments.Index, out var item) && item.Kind == ItemKind.CustomCall:
                // The raw input sits inside the JSON arguments of the function the tool was offered as; it is sent once whole.
                item.Text.Append(arguments.Json);
                break;
            case ToolArgumentsDelta { Json.Length: > 0 } arguments when _open.TryGetValue(arguments.Index, out var item) && item.Kind == ItemKind.FunctionCall:
                item.Text.Append(arguments.Json);
                Event(output, "response.function_call_arguments.delta", w =>
                {
                    Position(w, item);
                    w.WriteString("delta", arguments.Json);
                });
                break;
            case BlockStopped stopped when _open.Remove(stopped.Index, out var item):
                Close(item, output);
                break;
            case MessageDelta delta:
                _stop = delta.StopReason ?? _stop;
                _usage = delta.Usage ?? _usage;
                break;
            case MessageStopped:
                foreach (var index in _open.Keys.Order().ToList())
                {
                    _open.Remove(index, out var item);
                    Close(item!, output);
                }
                var status = ResponseIds.FinalStatus(_stop);
                Event(output, status == ResponseStatus.Completed ? "response.completed" : "response.incomplete", w => Response(w, status, _usage));
                _done = true;
                break;
            case StreamFailed failed:
                Event(output, "response.failed", w => Response(w, ResponseStatus.Failed, _usage, failed.Error));
                _done = true;
                break;
            default:
                break;
        }
    }

    private void Start(MessageStarted started, IBufferWriter<byte> output)
    {
        _ids = new ResponseIds(started.Id);
        _model = started.Model.Length > 0 ? started.Model : _model;
        _usage = started.Usage ?? default;
        Event(output, "response.created", w => Response(w, ResponseStatus.InProgress, null));
        Event(output, "response.in_progress", w => Response(w, ResponseStatus.InProgress, null));
    }

    private void Open(BlockStarted block, IBufferWriter<byte> output)
    {
        var outputIndex = _items.Count;
        var item = block.Block switch
        {
            TextPart => new OpenItem(ItemKind.Message, _ids!.Item("msg", outputIndex), outputIndex),
            ToolCallPart call => OpenCall(call, outputIndex),
            ThinkingPart => new OpenItem(ItemKind.Reasoning, _ids!.Item("rs", outputIndex), outputIndex),
            RedactedThinkingPart redacted => new OpenItem(ItemKind.Reasoning, _ids!.Item("rs", outputIndex), outputIndex) { Redacted = redacted.Data },
            _ => null,
        };
        if (item is null)
        {
            return;
        }
        _items.Add(null);
        _open[block.Index] = item;
        Event(output, "response.output_item.added", w =>
        {
            w.WriteNumber("output_index", item.OutputIndex);
            w.WritePropertyName("item");
            item.ToItem(null).Write(w, done: false);
        });
        if (item.Kind == ItemKind.Message)
        {
            ContentPart(output, "response.content_part.added", item, "");
        }
    }

    private OpenItem OpenCall(ToolCallPart call, int outputIndex)
    {
        var tool = ClientToolCalls.Find(request, call.Name);
        var custom = tool?.Kind == ToolKind.Custom;
        return new OpenItem(custom ? ItemKind.CustomCall : ItemKind.FunctionCall, _ids!.Item(custom ? "ctc" : "fc", outputIndex), outputIndex)
        {
            CallId = ToolCallIds.ToWire(call),
            Name = tool?.ClientName ?? call.Name,
            Namespace = tool?.Namespace,
        };
    }

    private void Close(OpenItem item, IBufferWriter<byte> output)
    {
        var text = item.Text.ToString();
        switch (item.Kind)
        {
            case ItemKind.Message:
                Event(output, "response.output_text.done", w =>
                {
                    Position(w, item);
                    w.WriteNumber("content_index", 0);
                    w.WriteString("text", text);
                    w.WriteStartArray("logprobs");
                    w.WriteEndArray();
                });
                ContentPart(output, "response.content_part.done", item, text);
                break;
            case ItemKind.FunctionCall:
                Event(output, "response.function_call_arguments.done", w =>
                {
                    Position(w, item);
                    w.WriteString("name", item.Name);
                    w.WriteString("arguments", text);
                });
                break;
            case ItemKind.CustomCall:
                var input = ClientToolCalls.CustomInput(text);
                item.Input = input;
                if (input.Length > 0)
                {
                    Event(output, "response.custom_tool_call_input.delta", w =>
                    {
                        Position(w, item);
                        w.WriteString("delta", input);
                    });
                }
                Event(output, "response.custom_tool_call_input.done", w =>
                {
                    Position(w, item);
                    w.WriteString("input", input);
                });
                break;
            case ItemKind.Reasoning when item.SummaryOpen:
                Event(output, "response.reasoning_summary_text.done", w =>
                {
                    Position(w, item);
                    w.WriteNumber("summary_index", 0);
                    w.WriteString("text", text);
                });
                SummaryPart(output, "response.reasoning_summary_part.done", item, text);
                break;
            default:
                break;
        }
        var done = item.ToItem(WantsSummary ? text : null);
        _items[item.OutputIndex] = done;
        Event(output, "response.output_item.done", w =>
        {
            w.WriteNumber("output_index", item.OutputIndex);
            w.WritePropertyName("item");
            done.Write(w, done: true);
        });
    }

    private void Response(Utf8JsonWriter w, ResponseStatus status, TokenUsage? usage, GatewayError? error = null)
    {
        w.WritePropertyName("response");
        var finished = status == ResponseStatus.InProgress ? [] : _items.OfType<OutputItem>().ToList();
        ResponseObject.Write(w, _ids!, _model, createdAt, request, status, finished, usage, error);
    }

    private void ContentPart(IBufferWriter<byte> output, string type, OpenItem item, string text) => Event(output, type, w =>
    {
        Position(w, item);
        w.WriteNumber("content_index", 0);
        w.WritePropertyName("part");
        MessageItem.WriteOutputText(w, text);
    });

    private void SummaryPart(IBufferWriter<byte> output, string type, OpenItem item, string text) => Event(output, type, w =>
    {
        Position(w, item);
        w.WriteNumber("summary_index", 0);
        w.WritePropertyName("part");
        ReasoningItem.WriteSummaryText(w, text);
    });

    private static void Position(Utf8JsonWriter w, OpenItem item)
    {
        w.WriteString("item_id", item.Id);
        w.WriteNumber("output_index", item.OutputIndex);
    }

    private void Event(IBufferWriter<byte> output, string type, Action<Utf8JsonWriter> body)
    {
        output.Write("event: "u8);
        Encoding.UTF8.GetBytes(type, output);
        output.Write("\ndata: "u8);
        using (var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteNumber("sequence_number", _sequence++);
            body(writer);
            writer.WriteEndObject();
        }
        output.Write("\n\n"u8);
    }

    private enum ItemKind
    {
        Message,
        FunctionCall,
        CustomCall,
        Reasoning,
    }

    /// <summary>An output item still streaming: what it has gathered so far.</summary>
    private sealed class OpenItem(ItemKind kind, string id, int outputIndex)
    {
        public ItemKind Kind { get; } = kind;
        public string Id { get; } = id;
        public int OutputIndex { get; } = outputIndex;
        public StringBuilder Text { get; } = new();
        public string CallId { get; init; } = "";
        public string Name { get; init; } = "";
        public string? Namespace { get; init; }

        /// <summary>A custom call's raw input, once its arguments are complete.</summary>
        public string Input { get; set; } = "";
        public string? Signature { get; set; }
        public string? Redacted { get; init; }
        public bool SummaryOpen { get; set; }

        public OutputItem ToItem(string? summary) => Kind switch
        {
            ItemKind.Message => new MessageItem(Id, Text.ToString()),
            ItemKind.FunctionCall => new FunctionCallItem(Id, CallId, Name, Text.ToString()) { Namespace = Namespace },
            ItemKind.CustomCall => new CustomToolCallItem(Id, CallId, Name, Input) { Namespace = Namespace },
            _ => new ReasoningItem(Id, summary, ReasoningEnvelope.Seal(Redacted is { } data
                ? new RedactedThinkingPart(data)
                : new ThinkingPart(Text.ToString(), Signature))),
        };
    }
}
