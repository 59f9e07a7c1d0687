using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Wire;
using static Switchyard.Contracts.Canonical.JsonFields;

namespace Switchyard.Providers.AnthropicMessages;

/// <summary>Turns an Anthropic SSE stream into canonical events; the shapes match almost one to one.</summary>
internal sealed class AnthropicEventParser : IUpstreamStreamParser
{
    private AnthropicUsageReader.Fields _usage;
    private bool _stopped;

    /// <summary>Blocks of the upstream's own server tools (its web search and their results): nothing a client of another protocol can take.</summary>
    private HashSet<int>? _serverBlocks;

    public TokenUsage Usage => _usage.ToUsage();

    public void OnFrame(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, List<StreamEvent> output)
    {
        if (!JsonFrame.TryParse(data, out var document))
        {
            return;
        }
        using (document)
        {
            try
            {
                Read(document.RootElement, data, output);
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
            {
                // A frame missing a required field carries nothing usable; the stream goes on.
            }
        }
    }

    private void Read(JsonElement root, ReadOnlySpan<byte> data, List<StreamEvent> output)
    {
        var type = Str(root, "type");
        switch (type)
        {
            case "message_start":
                AnthropicUsageReader.TryRead(data, out var startUsage);
                _usage = startUsage.MergedOver(_usage);
                var message = root.GetProperty("message");
                output.Add(new MessageStarted(Str(message, "id") ?? "", Str(message, "model") ?? "", Usage));
                break;
            case "content_block_start":
                var index = root.GetProperty("index").GetInt32();
                var block = root.GetProperty("content_block");
                if (Str(block, "type") is "server_tool_use" or "web_search_tool_result")
                {
                    (_serverBlocks ??= []).Add(index);
                    break;
                }
                output.Add(new BlockStarted(index, Str(block, "type") switch
                {
                    "tool_use" => new ToolCallPart(Str(block, "id") ?? "", Str(block, "name") ?? "", ""),
                    "thinking" => new ThinkingPart("", null),
                    "redacted_thinking" => new RedactedThinkingPart(Str(block, "data") ?? ""),
                    _ => new TextPart(""),
                }));
                break;
            case "content_block_delta" or "content_block_stop" when _serverBlocks?.Contains(root.GetProperty("index").GetInt32()) == true:
                break;
            case "content_block_delta":
                var at = root.GetProperty("index").GetInt32();
                var delta = root.GetProperty("delta");
                switch (Str(delta, "type"))
                {
                    case "text_delta":
                        output.Add(new TextDelta(at, Str(delta, "text") ?? ""));
                        break;
                    case "thinking_delta":
                        output.Add(new ThinkingDelta(at, Str(delta, "thinking") ?? ""));
                        break;
                    case "signature_delta":
                        output.Add(new SignatureDelta(at, Str(delta, "signature") ?? ""));
                        break;
                    case "input_json_delta":
                        output.Add(new ToolArgumentsDelta(at, Str(delta, "partial_json") ?? ""));
                        break;
                    default:
                        break;
                }
                break;
            case "content_block_stop":
                output.Add(new BlockStopped(root.GetProperty("index").GetInt32()));
                break;
            case "message_delta":
                AnthropicUsageReader.TryRead(data, out var deltaUsage);
                _usage = deltaUsage.MergedOver(_usage);
                var stop = root.TryGetProperty("delta", out var d) ? Str(d, "stop_reason") : null;
                output.Add(new MessageDelta(stop is null ? null : AnthropicMessagesProvider.StopReasonOf(stop),
                    root.TryGetProperty("delta", out var d2) ? Str(d2, "stop_sequence") : null, Usage));
                break;
            case "message_stop":
                _stopped = true;
                output.Add(MessageStopped.Instance);
                break;
            case "error":
                // The stream ends here; the end of the connection must not report a second failure.
                _stopped = true;
                var error = root.TryGetProperty("error", out var e) ? e : default;
                var errorType = Str(error, "type");
                output.Add(new StreamFailed(new GatewayError(GatewayErrorKind.UpstreamError, errorType switch
                {
                    "overloaded_error" => 529,
                    "rate_limit_error" => 429,
                    "invalid_request_error" => 400,
                    "authentication_error" => 401,
                    "permission_error" => 403,
                    "not_found_error" => 404,
                    "request_too_large" => 413,
                    "timeout_error" => 504,
                    _ => 500,
                }, Str(error, "message") ?? "The upstream reported an error.")));
                break;
            default:
                break;
        }
    }

    public void OnEnd(List<StreamEvent> output)
    {
        if (!_stopped)
        {
            output.Add(new StreamFailed(new GatewayError(GatewayErrorKind.UpstreamStreamBroken, 502, "The upstream stream broke before it completed.")));
        }
    }
}
