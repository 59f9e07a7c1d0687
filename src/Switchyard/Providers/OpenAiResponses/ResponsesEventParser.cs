using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Wire;
using static Switchyard.Contracts.Canonical.JsonFields;

namespace Switchyard.Providers.OpenAiResponses;

/// <summary>
/// Turns a Responses API event stream into canonical block events: each output_text (or refusal) part a text block,
/// each function call a tool block, each reasoning item's summary a thinking block, numbered 0, 1, 2… as they open.
/// response.completed / response.incomplete give the stop reason and usage; response.failed and error events fail
/// the stream, and nothing after them is read.
/// </summary>
internal sealed class ResponsesEventParser : IUpstreamStreamParser
{
    /// <summary>Open blocks by the upstream's item id (and content index for message parts).</summary>
    private readonly Dictionary<(string Item, int Part), int> _blocks = [];
    private readonly HashSet<string> _calls = [];
    private int _nextBlock;
    private bool _started;
    private bool _ended;

    public TokenUsage Usage { get; private set; }

    public void OnFrame(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, List<StreamEvent> output)
    {
        if (_ended || data.IsEmpty)
        {
            return;
        }
        if (!JsonFrame.TryParse(data, out var document))
        {
            // A malformed frame is skipped; the stream's end still tells whether the answer was whole.
            return;
        }
        using (document)
        {
            var root = document.RootElement;
            var itemId = Str(root, "item_id") ?? "";
            switch (Str(root, "type"))
            {
                case "response.created" or "response.in_progress" when !_started:
                    _started = true;
                    var response = root.TryGetProperty("response", out var r) ? r : default;
                    output.Add(new MessageStarted(Str(response, "id") ?? "", Str(response, "model") ?? "", null));
                    break;
                case "response.output_item.added" when root.TryGetProperty("item", out var item) && Str(item, "type") == "function_call":
                    Start(output);
                    var id = Str(item, "id") ?? "";
                    _calls.Add(id);
                    output.Add(new BlockStarted(Open(id, 0), new ToolCallPart(Str(item, "call_id") ?? id, Str(item, "name") ?? "", "")));
                    break;
                case "response.function_call_arguments.delta" when _blocks.TryGetValue((itemId, 0), out var call):
                    output.Add(new ToolArgumentsDelta(call, Str(root, "delta") ?? ""));
                    break;
                case "response.content_part.added" when root.TryGetProperty("part", out var part) && Str(part, "type") is "output_text" or "refusal":
                    Start(output);
                    output.Add(new BlockStarted(Open(itemId, (int)(Long(root, "content_index") ?? 0)), new TextPart("")));
                    break;
                case "response.output_text.delta" or "response.refusal.delta"
                    when _blocks.TryGetValue((itemId, (int)(Long(root, "content_index") ?? 0)), out var text):
                    output.Add(new TextDelta(text, Str(root, "delta") ?? ""));
                    break;
                case "response.content_part.done":
                    Close(itemId, (int)(Long(root, "content_index") ?? 0), output);
                    break;
                case "response.reasoning_summary_text.delta":
                    Start(output);
                    if (!_blocks.TryGetValue((itemId, -1), out var thinking))
                    {
                        thinking = Open(itemId, -1);
                        output.Add(new BlockStarted(thinking, new ThinkingPart("", null)));
                    }
                    else if (Long(root, "summary_index") is > 0 && Str(root, "delta") is { Length: > 0 } && _summaryIndex.GetValueOrDefault(itemId) != Long(root, "summary_index"))
                    {
                        // Summary parts read as paragraphs of one thought.
                        output.Add(new ThinkingDelta(thinking, "\n\n"));
                    }
                    _summaryIndex[itemId] = Long(root, "summary_index") ?? 0;
                    output.Add(new ThinkingDelta(thinking, Str(root, "delta") ?? ""));
                    break;
                case "response.output_item.done":
                    var doneId = root.TryGetProperty("item", out var done) ? Str(done, "id") ?? "" : "";
                    Close(doneId, 0, output);
                    Close(doneId, -1, output);
                    break;
                case "response.completed" or "response.incomplete":
                    Start(output);
                    CloseAll(output);
                    var final = root.TryGetProperty("response", out var f) ? f : default;
                    Usage = ResponsesProvider.UsageOf(ResponsesEvents.ResponseOf(data));
                    var stop = ResponsesProvider.StopReasonOf(final, _calls.Count > 0 ? [new ToolCallPart("", "", "")] : []);
                    output.Add(new MessageDelta(stop, null, Usage));
                    output.Add(MessageStopped.Instance);
                    _ended = true;
                    break;
                case "response.failed":
                    Usage = ResponsesProvider.UsageOf(ResponsesEvents.ResponseOf(data));
                    output.Add(new StreamFailed(ResponsesProvider.Failure(root.TryGetProperty("response", out var failed) ? failed : default)));
                    _ended = true;
                    break;
                case "error":
                    output.Add(new StreamFailed(new GatewayError(GatewayErrorKind.UpstreamError, 502,
                        Str(root, "message") ?? "The upstream reported an error inside the stream.")
                    { Code = Str(root, "code") }));
                    _ended = true;
                    break;
                default:
                    break;
            }
        }
    }

    private readonly Dictionary<string, long> _summaryIndex = [];

    public void OnEnd(List<StreamEvent> output)
    {
        if (!_ended)
        {
            _ended = true;
            output.Add(new StreamFailed(StreamErrors.Broken));
        }
    }

    private void Start(List<StreamEvent> output)
    {
        if (!_started)
        {
            _started = true;
            output.Add(new MessageStarted("", "", null));
        }
    }

    private int Open(string item, int part)
    {
        var index = _nextBlock++;
        _blocks[(item, part)] = index;
        return index;
    }

    private void Close(string item, int part, List<StreamEvent> output)
    {
        if (_blocks.Remove((item, part), out var index))
        {
            output.Add(new BlockStopped(index));
        }
    }

    private void CloseAll(List<StreamEvent> output)
    {
        foreach (var (key, index) in _blocks.OrderBy(b => b.Value).ToList())
        {
            _blocks.Remove(key);
            output.Add(new BlockStopped(index));
        }
    }
}
