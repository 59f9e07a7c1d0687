using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Switchyard.MockUpstream;

/// <summary>
/// Writes one message as Anthropic's server-sent events, each <c>event: TYPE\ndata: {json}\n\n</c>:
/// message_start, then per content block content_block_start (a ping after the first), its deltas and
/// content_block_stop, then message_delta with the stop reason and cumulative usage, and message_stop.
/// </summary>
internal sealed class AnthropicStream : IDisposable
{
    // Tool input arrives in a few input_json_delta fragments, as Anthropic streams it.
    private const int InputFragments = 3;

    private readonly HttpContext _context;
    private readonly MockDirectives _directives;
    private readonly AnthropicHeader _header;
    private readonly MockEventStream _events;
    private int _blocks;
    private bool _pinged;
    private bool _failed;

    public AnthropicStream(HttpContext context, MockPipeline pipeline, MockDirectives directives, AnthropicHeader header)
    {
        _context = context;
        _directives = directives;
        _header = header;
        _events = new MockEventStream(context, pipeline, directives, MockFraming.Sse);
    }

    private Utf8JsonWriter Json => _events.Json;

    public void Dispose() => _events.Dispose();

    public async Task WriteAsync(MockOutcome outcome)
    {
        _events.Start("text/event-stream; charset=utf-8");
        if (!await BeginAsync("message_start"))
        {
            return;
        }

        Json.WriteStartObject();
        Json.WriteString("type"u8, "message_start"u8);
        Json.WritePropertyName("message"u8);
        AnthropicJson.WriteMessage(Json, _header, outcome, complete: false);
        Json.WriteEndObject();
        if (!await _events.EndAsync() || !await WriteBlocksAsync(outcome))
        {
            return;
        }

        if (!await BeginAsync("message_delta"))
        {
            return;
        }

        Json.WriteStartObject();
        Json.WriteString("type"u8, "message_delta"u8);
        Json.WriteStartObject("delta"u8);
        Json.WriteString("stop_reason"u8, AnthropicJson.StopReason(outcome.Finish));
        AnthropicJson.WriteStopSequence(Json, outcome);
        Json.WriteNull("stop_details"u8);
        Json.WriteEndObject();
        AnthropicJson.WriteDeltaUsage(Json, outcome.Usage);
        Json.WriteEndObject();
        if (!await _events.EndAsync() || !await BeginAsync("message_stop"))
        {
            return;
        }

        Json.WriteStartObject();
        Json.WriteString("type"u8, "message_stop"u8);
        Json.WriteEndObject();
        if (await _events.EndAsync())
        {
            await _events.CompleteAsync(ReadOnlyMemory<byte>.Empty);
        }
    }

    private async ValueTask<bool> WriteBlocksAsync(MockOutcome outcome)
    {
        if (outcome.Thinking is { } thinking && !await WriteThinkingAsync(thinking, AnthropicJson.Signature(outcome)))
        {
            return false;
        }

        if (outcome.ToolCalls is { } calls)
        {
            foreach (var call in calls)
            {
                if (!await WriteToolUseAsync(call))
                {
                    return false;
                }
            }

            return true;
        }

        return string.IsNullOrEmpty(outcome.Text) || await WriteTextAsync(outcome.Text);
    }

    private async ValueTask<bool> WriteTextAsync(string text)
    {
        if (!await StartBlockAsync(static (json, _) => AnthropicJson.WriteTextBlock(json, string.Empty), string.Empty))
        {
            return false;
        }

        var start = 0;
        var words = MockTokens.Count(text);
        for (var word = 0; word < words; word++)
        {
            var end = ReplyPieces.NextEnd(text, start);
            if (!await DeltaAsync("text_delta", "text", text.AsMemory(start, end - start)))
            {
                return false;
            }

            start = end;
        }

        return await StopBlockAsync();
    }

    private async ValueTask<bool> WriteThinkingAsync(string thinking, string signature)
    {
        if (!await StartBlockAsync(static (json, _) => AnthropicJson.WriteThinkingBlock(json, string.Empty, string.Empty), string.Empty))
        {
            return false;
        }

        var start = 0;
        var words = MockTokens.Count(thinking);
        for (var word = 0; word < words; word++)
        {
            var end = ReplyPieces.NextEnd(thinking, start);
            if (!await DeltaAsync("thinking_delta", "thinking", thinking.AsMemory(start, end - start)))
            {
                return false;
            }

            start = end;
        }

        // The signature arrives whole in one signature_delta just before content_block_stop.
        return await DeltaAsync("signature_delta", "signature", signature.AsMemory()) && await StopBlockAsync();
    }

    private async ValueTask<bool> WriteToolUseAsync(MockToolCall call)
    {
        // The block opens with an empty input; the real input follows as partial_json fragments.
        if (!await StartBlockAsync(static (json, call) => AnthropicJson.WriteToolUseBlock(json, call, "{}"), call))
        {
            return false;
        }

        var input = MockJson.ArgumentsObject(call.Arguments);
        var start = 0;
        while (start < input.Length)
        {
            var end = ReplyPieces.ArgumentPieceEnd(input, start, InputFragments);
            if (!await DeltaAsync("input_json_delta", "partial_json", input.AsMemory(start, end - start)))
            {
                return false;
            }

            start = end;
        }

        return await StopBlockAsync();
    }

    private async ValueTask<bool> StartBlockAsync<T>(Action<Utf8JsonWriter, T> writeBlock, T state)
    {
        if (!await BeginAsync("content_block_start"))
        {
            return false;
        }

        Json.WriteStartObject();
        Json.WriteString("type"u8, "content_block_start"u8);
        Json.WriteNumber("index"u8, _blocks);
        Json.WritePropertyName("content_block"u8);
        writeBlock(Json, state);
        Json.WriteEndObject();
        if (!await _events.EndAsync())
        {
            return false;
        }

        // Anthropic sends one ping early in every stream, after the first block opens; clients must skip it.
        if (_pinged)
        {
            return true;
        }

        _pinged = true;
        if (!await BeginAsync("ping"))
        {
            return false;
        }

        Json.WriteStartObject();
        Json.WriteString("type"u8, "ping"u8);
        Json.WriteEndObject();
        return await _events.EndAsync();
    }

    private async ValueTask<bool> DeltaAsync(string deltaType, string field, ReadOnlyMemory<char> value)
    {
        if (!await BeginAsync("content_block_delta"))
        {
            return false;
        }

        Json.WriteStartObject();
        Json.WriteString("type"u8, "content_block_delta"u8);
        Json.WriteNumber("index"u8, _blocks);
        Json.WriteStartObject("delta"u8);
        Json.WriteString("type"u8, deltaType);
        Json.WriteString(field, value.Span);
        Json.WriteEndObject();
        Json.WriteEndObject();
        if (!await _events.EndAsync())
        {
            return false;
        }

        // stream_error fails the stream after its first delta, as an overloaded Anthropic does mid-answer.
        return _directives.StreamError is null || await FailAsync(_directives.StreamError);
    }

    private async ValueTask<bool> StopBlockAsync()
    {
        if (!await BeginAsync("content_block_stop"))
        {
            return false;
        }

        Json.WriteStartObject();
        Json.WriteString("type"u8, "content_block_stop"u8);
        Json.WriteNumber("index"u8, _blocks);
        Json.WriteEndObject();
        _blocks++;
        return await _events.EndAsync();
    }

    /// <summary>Sends <c>event: error</c> and ends the stream there, without message_delta or message_stop.</summary>
    private async ValueTask<bool> FailAsync(string type)
    {
        if (_failed || !await BeginAsync("error"))
        {
            return false;
        }

        _failed = true;
        var message = AnthropicErrors.MessageForType(type, _header.Model) + (_directives.EchoHeaders ? MockPipeline.EchoedHeaders(_context) : "");
        AnthropicErrors.WriteBody(Json, type, message, AnthropicErrors.RequestId(_context));
        await _events.EndAsync();
        return false;
    }

    private ValueTask<bool> BeginAsync(string eventName) => _events.BeginAsync(eventName);
}
