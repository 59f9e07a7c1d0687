using System.Buffers;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Wire;

namespace Switchyard.Protocols.Anthropic;

/// <summary>
/// Renders canonical stream events as Anthropic's exact SSE sequence: message_start, ping, content_block_start /
/// _delta / _stop per block, then message_delta (stop reason and usage) and message_stop. The stop reason is held
/// until the end because OpenAI-format upstreams report usage after it.
/// </summary>
/// <param name="estimatedInput">
/// The gateway's estimate of the prompt's tokens. Anthropic reports the input at message_start, and clients such as
/// LangChain read it only there; upstreams that report usage only at the end (OpenAI-format, Gemini) get the estimate
/// there, and the exact figures follow in message_delta, as Anthropic's own cumulative usage does.
/// </param>
internal sealed class AnthropicEventWriter(long estimatedInput = 0) : IClientStreamWriter
{
    private readonly Dictionary<int, int> _clientIndex = [];
    private int _openIndex = -1;
    private bool _started;
    private bool _ended;
    private StopReason? _stopReason;
    private string? _stopSequence;
    private TokenUsage _usage;
    private string _id = "msg_switchyard";
    private string _model = "";

    public void Write(StreamEvent streamEvent, IBufferWriter<byte> output)
    {
        // After message_stop or an error event the client has its answer; a parser that reports the broken end of a
        // stream it already reported as failed must not give the client a second ending.
        if (_ended)
        {
            return;
        }
        switch (streamEvent)
        {
            case MessageStarted started:
                _id = started.Id.StartsWith("msg_", StringComparison.Ordinal) ? started.Id : "msg_" + started.Id;
                _model = started.Model;
                _usage = started.Usage ?? default;
                Start(output);
                break;
            case BlockStarted block:
                Start(output);
                Open(block.Index, block.Block, output);
                break;
            case TextDelta text:
                Delta(text.Index, new TextPart(""), output, w => { w.WriteString("type", "text_delta"); w.WriteString("text", text.Text); });
                break;
            case ThinkingDelta thinking:
                Delta(thinking.Index, new ThinkingPart("", null), output, w => { w.WriteString("type", "thinking_delta"); w.WriteString("thinking", thinking.Text); });
                break;
            case SignatureDelta signature:
                Delta(signature.Index, new ThinkingPart("", null), output, w => { w.WriteString("type", "signature_delta"); w.WriteString("signature", signature.Signature); });
                break;
            case ToolArgumentsDelta arguments:
                Delta(arguments.Index, new ToolCallPart("toolu_switchyard", "", ""), output, w => { w.WriteString("type", "input_json_delta"); w.WriteString("partial_json", arguments.Json); });
                break;
            case BlockStopped stopped:
                if (_clientIndex.TryGetValue(stopped.Index, out var index) && index == _openIndex)
                {
                    CloseOpen(output);
                }
                break;
            case MessageDelta delta:
                _stopReason = delta.StopReason ?? _stopReason;
                _stopSequence = delta.StopSequence ?? _stopSequence;
                if (delta.Usage is { } usage)
                {
                    _usage = usage;
                }
                break;
            case MessageStopped:
                Finish(output);
                break;
            case StreamFailed failed:
                Start(output);
                _ended = true;
                Frame(output, "error", w =>
                {
                    w.WriteString("type", "error");
                    w.WriteStartObject("error");
                    w.WriteString("type", AnthropicMessagesCodec.ErrorType(failed.Error));
                    w.WriteString("message", failed.Error.Message);
                    w.WriteEndObject();
                });
                break;
            default:
                break;
        }
    }

    private void Start(IBufferWriter<byte> output)
    {
        if (_started)
        {
            return;
        }
        _started = true;
        Frame(output, "message_start", w =>
        {
            w.WriteString("type", "message_start");
            w.WriteStartObject("message");
            w.WriteString("id", _id);
            w.WriteString("type", "message");
            w.WriteString("role", "assistant");
            w.WriteString("model", _model);
            w.WriteStartArray("content");
            w.WriteEndArray();
            w.WriteNull("stop_reason");
            w.WriteNull("stop_sequence");
            AnthropicMessagesCodec.WriteUsage(w, _usage.Input > 0 ? _usage : _usage with { Input = estimatedInput });
            w.WriteEndObject();
        });
        Frame(output, "ping", w => w.WriteString("type", "ping"));
    }

    private void Open(int upstreamIndex, ContentPart block, IBufferWriter<byte> output)
    {
        CloseOpen(output);
        // Clients see blocks numbered 0, 1, 2… in order, whatever the upstream's own numbering.
        var index = _clientIndex.Count;
        _clientIndex[upstreamIndex] = index;
        _openIndex = index;
        Frame(output, "content_block_start", w =>
        {
            w.WriteString("type", "content_block_start");
            w.WriteNumber("index", index);
            w.WriteStartObject("content_block");
            switch (block)
            {
                case ToolCallPart call:
                    w.WriteString("type", "tool_use");
                    w.WriteString("id", ToolCallIds.ToWire(call));
                    w.WriteString("name", call.Name);
                    w.WriteStartObject("input");
                    w.WriteEndObject();
                    // Required on ToolUseBlock; the official C# SDK rejects a streamed block without it too.
                    w.WriteStartObject("caller");
                    w.WriteString("type", "direct");
                    w.WriteEndObject();
                    break;
                case ThinkingPart:
                    w.WriteString("type", "thinking");
                    w.WriteString("thinking", "");
                    w.WriteString("signature", "");
                    break;
                case RedactedThinkingPart redacted:
                    // Redacted thinking arrives whole in its start event; it has no deltas.
                    w.WriteString("type", "redacted_thinking");
                    w.WriteString("data", redacted.Data);
                    break;
                default:
                    w.WriteString("type", "text");
                    w.WriteString("text", "");
                    break;
            }
            w.WriteEndObject();
        });
    }

    private void Delta(int upstreamIndex, ContentPart kind, IBufferWriter<byte> output, Action<Utf8JsonWriter> delta)
    {
        Start(output);
        if (!_clientIndex.TryGetValue(upstreamIndex, out var index) || index != _openIndex)
        {
            // A delta for a block the upstream never opened (or that is no longer open): open it first.
            Open(upstreamIndex, kind, output);
            index = _openIndex;
        }
        Frame(output, "content_block_delta", w =>
        {
            w.WriteString("type", "content_block_delta");
            w.WriteNumber("index", index);
            w.WriteStartObject("delta");
            delta(w);
            w.WriteEndObject();
        });
    }

    private void CloseOpen(IBufferWriter<byte> output)
    {
        if (_openIndex < 0)
        {
            return;
        }
        var index = _openIndex;
        _openIndex = -1;
        Frame(output, "content_block_stop", w => { w.WriteString("type", "content_block_stop"); w.WriteNumber("index", index); });
    }

    private void Finish(IBufferWriter<byte> output)
    {
        _ended = true;
        Start(output);
        CloseOpen(output);
        Frame(output, "message_delta", w =>
        {
            w.WriteString("type", "message_delta");
            w.WriteStartObject("delta");
            w.WriteString("stop_reason", AnthropicMessagesCodec.StopReasonName(_stopReason ?? StopReason.EndTurn));
            if (_stopSequence is { } sequence)
            {
                w.WriteString("stop_sequence", sequence);
            }
            else
            {
                w.WriteNull("stop_sequence");
            }
            w.WriteEndObject();
            AnthropicMessagesCodec.WriteUsage(w, _usage);
        });
        Frame(output, "message_stop", w => w.WriteString("type", "message_stop"));
    }

    private static void Frame(IBufferWriter<byte> output, string name, Action<Utf8JsonWriter> body)
    {
        var data = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(data, GatewayJson.WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        SseFrame.Write(output, System.Text.Encoding.ASCII.GetBytes(name), data.WrittenSpan);
    }
}
