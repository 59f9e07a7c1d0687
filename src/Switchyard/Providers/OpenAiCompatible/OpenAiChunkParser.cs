using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Wire;
using static Switchyard.Contracts.Canonical.JsonFields;

namespace Switchyard.Providers.OpenAiCompatible;

/// <summary>
/// Turns an OpenAI chat-completion stream into canonical block events: reasoning deltas become a thinking block,
/// content a text block, each tool call (by its <c>index</c>) a tool block; blocks never interleave, and are
/// numbered 0, 1, 2… in the order they open. Usage may come in its own chunk with no choices (OpenAI) or on the
/// last choice chunk (vLLM, DeepSeek). Once the stream has failed, nothing after it is read.
/// </summary>
internal sealed class OpenAiChunkParser : IUpstreamStreamParser
{
    private enum Open
    {
        None,
        Thinking,
        Text,
        Tool,
    }

    private readonly Dictionary<int, int> _toolBlocks = [];
    private Open _open = Open.None;
    private int _openToolIndex = -1;
    private int _nextBlock;
    private bool _started;
    private bool _finished;
    private bool _stopped;
    private bool _failed;

    public TokenUsage Usage { get; private set; }

    public void OnFrame(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, List<StreamEvent> output)
    {
        if (_failed || _stopped || data.IsEmpty)
        {
            return;
        }
        if (SseFrame.IsDone(data))
        {
            if (!_started)
            {
                Fail(output, new GatewayError(GatewayErrorKind.UpstreamStreamBroken, 502, "The upstream stream ended before it sent anything."));
                return;
            }
            Stop(output);
            return;
        }
        if (!JsonFrame.TryParse(data, out var document))
        {
            return;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                Fail(output, new GatewayError(GatewayErrorKind.UpstreamError, 502, Str(error, "message") ?? "The upstream reported an error.")
                { Code = Str(error, "code") });
                return;
            }
            if (!_started)
            {
                _started = true;
                output.Add(new MessageStarted(Str(root, "id") ?? "", Str(root, "model") ?? "", null));
            }
            if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
            {
                OnChoice(choices[0], output);
            }
            // Some servers repeat the same usage on every chunk; only a change is news.
            if (OpenAiUsageReader.MayContainUsage(data) && OpenAiUsageReader.TryRead(data, out var usage, out _) && usage != Usage)
            {
                Usage = usage;
                output.Add(new MessageDelta(null, null, usage));
            }
        }
    }

    private void OnChoice(JsonElement choice, List<StreamEvent> output)
    {
        if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
        {
            if (OpenAiCompatibleProvider.ReasoningText(delta) is { Length: > 0 } reasoning)
            {
                Switch(Open.Thinking, output, () => new ThinkingPart("", null));
                output.Add(new ThinkingDelta(_nextBlock - 1, reasoning));
            }
            if (delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String && content.GetString() is { Length: > 0 } text)
            {
                Switch(Open.Text, output, () => new TextPart(""));
                output.Add(new TextDelta(_nextBlock - 1, text));
            }
            if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in calls.EnumerateArray())
                {
                    OnToolCall(call, output);
                }
            }
        }
        if (Str(choice, "finish_reason") is { } finish && !_finished)
        {
            Close(output);
            _finished = true;
            output.Add(new MessageDelta(OpenAiCompatibleProvider.StopReasonOf(finish), null, null));
        }
    }

    private void OnToolCall(JsonElement call, List<StreamEvent> output)
    {
        var toolIndex = call.TryGetProperty("index", out var i) && i.TryGetInt32(out var index) ? index : 0;
        var function = call.TryGetProperty("function", out var f) ? f : default;
        if (!_toolBlocks.TryGetValue(toolIndex, out var block) || _open != Open.Tool || _openToolIndex != toolIndex)
        {
            if (!_toolBlocks.ContainsKey(toolIndex))
            {
                Close(output);
                block = _nextBlock++;
                _toolBlocks[toolIndex] = block;
                _open = Open.Tool;
                _openToolIndex = toolIndex;
                output.Add(new BlockStarted(block, new ToolCallPart(Str(call, "id") ?? $"call_{toolIndex}",
                    Str(function, "name") ?? "", "")));
            }
        }
        if (Str(function, "arguments") is { Length: > 0 } arguments)
        {
            output.Add(new ToolArgumentsDelta(_toolBlocks[toolIndex], arguments));
        }
    }

    private void Switch(Open kind, List<StreamEvent> output, Func<ContentPart> block)
    {
        if (_open == kind)
        {
            return;
        }
        Close(output);
        _open = kind;
        output.Add(new BlockStarted(_nextBlock++, block()));
    }

    private void Close(List<StreamEvent> output)
    {
        if (_open == Open.None)
        {
            return;
        }
        var index = _open == Open.Tool ? _toolBlocks[_openToolIndex] : _nextBlock - 1;
        _open = Open.None;
        _openToolIndex = -1;
        output.Add(new BlockStopped(index));
    }

    private void Stop(List<StreamEvent> output)
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        Close(output);
        output.Add(MessageStopped.Instance);
    }

    private void Fail(List<StreamEvent> output, GatewayError error)
    {
        _failed = true;
        output.Add(new StreamFailed(error));
    }

    public void OnEnd(List<StreamEvent> output)
    {
        if (_stopped || _failed)
        {
            return;
        }
        if (_finished)
        {
            // Some compatible upstreams end without [DONE]; a stream with its finish reason is complete.
            Stop(output);
            return;
        }
        Fail(output, new GatewayError(GatewayErrorKind.UpstreamStreamBroken, 502, "The upstream stream broke before it completed."));
    }
}
