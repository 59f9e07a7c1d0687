using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Wire;
using static Switchyard.Contracts.Canonical.JsonFields;

namespace Switchyard.Providers.Gemini;

/// <summary>
/// Turns Gemini's <c>streamGenerateContent?alt=sse</c> chunks (each a whole GenerateContentResponse) into canonical
/// blocks: consecutive text parts form one text block, thought parts one thinking block, and each function call
/// (Gemini sends it whole) a tool-call block of its own. Gemini has no end event: the chunk with a finishReason is
/// the last one, and the stream ends when the upstream closes it.
/// </summary>
internal sealed class GeminiStreamParser : IUpstreamStreamParser
{
    private enum Open
    {
        None,
        Text,
        Thinking,
    }

    private GeminiUsageReader.Fields _usage;
    private bool _started;
    private bool _ended;
    private Open _open;
    private int _index = -1;
    private int _calls;
    private string? _finish;
    private string _responseId = "";

    public TokenUsage Usage => _usage.ToUsage();

    public void OnFrame(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, List<StreamEvent> output)
    {
        if (_ended)
        {
            return;
        }
        if (!JsonFrame.TryParse(data, out var document))
        {
            return;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return;
            }
            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                // Google reports a failure after the stream began as a chunk holding only its error envelope.
                _ended = true;
                var code = Long(error, "code") is { } status and >= 400 and < 600 ? (int)status : 500;
                output.Add(new StreamFailed(new GatewayError(GatewayErrorKind.UpstreamError, code, Str(error, "message") ?? "The upstream reported an error.")));
                return;
            }
            if (GeminiUsageReader.TryRead(data, out var usage))
            {
                _usage = usage;
            }
            if (!_started)
            {
                _started = true;
                _responseId = Str(root, "responseId") ?? "";
                output.Add(new MessageStarted(_responseId, Str(root, "modelVersion") ?? "", Usage));
            }
            if (root.TryGetProperty("candidates", out var candidates) && candidates.ValueKind == JsonValueKind.Array && candidates.GetArrayLength() > 0)
            {
                var candidate = candidates[0];
                if (candidate.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Object
                    && content.TryGetProperty("parts", out var parts) && parts.ValueKind == JsonValueKind.Array)
                {
                    foreach (var part in parts.EnumerateArray())
                    {
                        ReadPart(part, output);
                    }
                }
                _finish = Str(candidate, "finishReason") ?? _finish;
            }
            else if (root.TryGetProperty("promptFeedback", out var feedback) && Str(feedback, "blockReason") is not null)
            {
                _finish = "SAFETY";
            }
        }
    }

    private void ReadPart(JsonElement part, List<StreamEvent> output)
    {
        var calls = _calls;
        var read = GeminiProvider.ReadPart(part, _responseId, ref calls);
        switch (read)
        {
            case TextPart text:
                Continue(Open.Text, output);
                if (text.Text.Length > 0)
                {
                    output.Add(new TextDelta(_index, text.Text));
                }
                break;
            case ThinkingPart thinking:
                Continue(Open.Thinking, output);
                if (thinking.Text.Length > 0)
                {
                    output.Add(new ThinkingDelta(_index, thinking.Text));
                }
                break;
            case ToolCallPart call:
                _calls = calls;
                Close(output);
                _index++;
                output.Add(new BlockStarted(_index, call with { Arguments = "" }));
                output.Add(new ToolArgumentsDelta(_index, call.Arguments));
                output.Add(new BlockStopped(_index));
                break;
            default:
                // Images the model generated and code-execution parts have no place in the other protocols' streams.
                break;
        }
    }

    private void Continue(Open kind, List<StreamEvent> output)
    {
        if (_open == kind)
        {
            return;
        }
        Close(output);
        _open = kind;
        _index++;
        output.Add(new BlockStarted(_index, kind == Open.Text ? new TextPart("") : new ThinkingPart("", null)));
    }

    private void Close(List<StreamEvent> output)
    {
        if (_open != Open.None)
        {
            output.Add(new BlockStopped(_index));
            _open = Open.None;
        }
    }

    public void OnEnd(List<StreamEvent> output)
    {
        if (_ended)
        {
            return;
        }
        _ended = true;
        if (_finish is null)
        {
            output.Add(new StreamFailed(new GatewayError(GatewayErrorKind.UpstreamStreamBroken, 502, "The upstream stream broke before it completed.")));
            return;
        }
        Close(output);
        output.Add(new MessageDelta(GeminiFinishReason.ToCanonical(_finish, _calls > 0), null, Usage));
        output.Add(MessageStopped.Instance);
    }
}
