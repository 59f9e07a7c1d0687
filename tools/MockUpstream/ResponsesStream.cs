using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Switchyard.MockUpstream;

/// <summary>
/// Writes one Response as the Responses API's typed server-sent events, each <c>event: TYPE\ndata: {json}\n\n</c>
/// with <c>type</c> and a <c>sequence_number</c> counting from 0: response.created, response.in_progress, then
/// per output item output_item.added, its parts and deltas and output_item.done, and finally response.completed
/// (response.incomplete when max_output_tokens cut it). There is no <c>[DONE]</c>.
/// </summary>
internal sealed class ResponsesStream : IDisposable
{
    // Function-call arguments arrive in a few fragments, as OpenAI streams them.
    private const int ArgumentFragments = 3;

    private readonly MockDirectives _directives;
    private readonly ResponseDraft _draft;
    private readonly MockEventStream _events;
    private int _sequence;
    private int _outputIndex;

    public ResponsesStream(HttpContext context, MockPipeline pipeline, MockDirectives directives, ResponseDraft draft)
    {
        _directives = directives;
        _draft = draft;
        _events = new MockEventStream(context, pipeline, directives, MockFraming.Sse);
    }

    private Utf8JsonWriter Json => _events.Json;

    public void Dispose() => _events.Dispose();

    public async Task WriteAsync()
    {
        _events.Start("text/event-stream; charset=utf-8");
        if (!await WriteResponseEventAsync("response.created", ResponsesJson.Phase.InProgress)
            || !await WriteResponseEventAsync("response.in_progress", ResponsesJson.Phase.InProgress)
            || !await WriteItemsAsync())
        {
            return;
        }

        var final = _draft.Incomplete ? "response.incomplete" : "response.completed";
        if (await WriteResponseEventAsync(final, ResponsesJson.Phase.Final))
        {
            await _events.CompleteAsync(ReadOnlyMemory<byte>.Empty);
        }
    }

    private async ValueTask<bool> WriteItemsAsync()
    {
        var outcome = _draft.Outcome;
        if (_draft.ReasoningId is { } reasoningId && !await WriteReasoningAsync(reasoningId))
        {
            return false;
        }

        if (outcome.ToolCalls is { } calls)
        {
            for (var i = 0; i < calls.Length; i++)
            {
                if (!await WriteFunctionCallAsync(_draft.CallItemIds[i], calls[i]))
                {
                    return false;
                }
            }

            return true;
        }

        return await WriteMessageAsync(_draft.MessageId!, outcome.Text ?? string.Empty);
    }

    private async ValueTask<bool> WriteReasoningAsync(string id)
    {
        if (!await BeginAsync("response.output_item.added"))
        {
            return false;
        }

        Json.WriteNumber("output_index"u8, _outputIndex);
        Json.WritePropertyName("item"u8);
        ResponsesJson.WriteReasoningItem(Json, id, summary: null, _draft.EncryptedReasoning);
        if (!await EndAsync())
        {
            return false;
        }

        if (_draft.Summary is { } summary)
        {
            if (!await SummaryPartEventAsync("response.reasoning_summary_part.added", id, string.Empty))
            {
                return false;
            }

            var start = 0;
            var words = MockTokens.Count(summary);
            for (var word = 0; word < words; word++)
            {
                var end = ReplyPieces.NextEnd(summary, start);
                if (!await BeginAsync("response.reasoning_summary_text.delta"))
                {
                    return false;
                }

                WriteItemPosition(id);
                Json.WriteNumber("summary_index"u8, 0);
                Json.WriteString("delta"u8, summary.AsSpan(start, end - start));
                if (!await EndDeltaAsync())
                {
                    return false;
                }

                start = end;
            }

            if (!await BeginAsync("response.reasoning_summary_text.done"))
            {
                return false;
            }

            WriteItemPosition(id);
            Json.WriteNumber("summary_index"u8, 0);
            Json.WriteString("text"u8, summary);
            if (!await EndAsync() || !await SummaryPartEventAsync("response.reasoning_summary_part.done", id, summary))
            {
                return false;
            }
        }

        return await ItemDoneAsync(json => ResponsesJson.WriteReasoningItem(json, id, _draft.Summary, _draft.EncryptedReasoning));
    }

    private async ValueTask<bool> SummaryPartEventAsync(string type, string id, string text)
    {
        if (!await BeginAsync(type))
        {
            return false;
        }

        WriteItemPosition(id);
        Json.WriteNumber("summary_index"u8, 0);
        Json.WritePropertyName("part"u8);
        ResponsesJson.WriteSummaryPart(Json, text);
        return await EndAsync();
    }

    private async ValueTask<bool> WriteMessageAsync(string id, string text)
    {
        if (!await BeginAsync("response.output_item.added"))
        {
            return false;
        }

        Json.WriteNumber("output_index"u8, _outputIndex);
        Json.WritePropertyName("item"u8);
        ResponsesJson.WriteMessageItem(Json, id, text: null, "in_progress");
        if (!await EndAsync() || !await ContentPartEventAsync("response.content_part.added", id, string.Empty))
        {
            return false;
        }

        var start = 0;
        var words = MockTokens.Count(text);
        for (var word = 0; word < words; word++)
        {
            var end = ReplyPieces.NextEnd(text, start);
            if (!await BeginAsync("response.output_text.delta"))
            {
                return false;
            }

            WriteItemPosition(id);
            Json.WriteNumber("content_index"u8, 0);
            Json.WriteString("delta"u8, text.AsSpan(start, end - start));
            Json.WriteStartArray("logprobs"u8);
            Json.WriteEndArray();
            if (!await EndDeltaAsync())
            {
                return false;
            }

            start = end;
        }

        if (!await BeginAsync("response.output_text.done"))
        {
            return false;
        }

        WriteItemPosition(id);
        Json.WriteNumber("content_index"u8, 0);
        Json.WriteString("text"u8, text);
        Json.WriteStartArray("logprobs"u8);
        Json.WriteEndArray();
        if (!await EndAsync() || !await ContentPartEventAsync("response.content_part.done", id, text))
        {
            return false;
        }

        var status = _draft.Incomplete ? "incomplete" : "completed";
        return await ItemDoneAsync(json => ResponsesJson.WriteMessageItem(json, id, text, status));
    }

    private async ValueTask<bool> ContentPartEventAsync(string type, string id, string text)
    {
        if (!await BeginAsync(type))
        {
            return false;
        }

        WriteItemPosition(id);
        Json.WriteNumber("content_index"u8, 0);
        Json.WritePropertyName("part"u8);
        ResponsesJson.WriteOutputText(Json, text);
        return await EndAsync();
    }

    private async ValueTask<bool> WriteFunctionCallAsync(string id, MockToolCall call)
    {
        if (!await BeginAsync("response.output_item.added"))
        {
            return false;
        }

        Json.WriteNumber("output_index"u8, _outputIndex);
        Json.WritePropertyName("item"u8);
        ResponsesJson.WriteFunctionCallItem(Json, id, call, string.Empty, completed: false);
        if (!await EndAsync())
        {
            return false;
        }

        var arguments = call.Arguments;
        var start = 0;
        while (start < arguments.Length)
        {
            var end = ReplyPieces.ArgumentPieceEnd(arguments, start, ArgumentFragments);
            if (!await BeginAsync("response.function_call_arguments.delta"))
            {
                return false;
            }

            WriteItemPosition(id);
            Json.WriteString("delta"u8, arguments.AsSpan(start, end - start));
            if (!await EndDeltaAsync())
            {
                return false;
            }

            start = end;
        }

        if (!await BeginAsync("response.function_call_arguments.done"))
        {
            return false;
        }

        WriteItemPosition(id);
        // ResponseFunctionCallArgumentsDoneEvent names the function beside its complete arguments.
        Json.WriteString("name"u8, call.Name);
        Json.WriteString("arguments"u8, arguments);
        return await EndAsync() && await ItemDoneAsync(json => ResponsesJson.WriteFunctionCallItem(json, id, call, arguments, completed: true));
    }

    private async ValueTask<bool> ItemDoneAsync(Action<Utf8JsonWriter> writeItem)
    {
        if (!await BeginAsync("response.output_item.done"))
        {
            return false;
        }

        Json.WriteNumber("output_index"u8, _outputIndex);
        Json.WritePropertyName("item"u8);
        writeItem(Json);
        _outputIndex++;
        return await EndAsync();
    }

    private async ValueTask<bool> WriteResponseEventAsync(string type, ResponsesJson.Phase phase, string? errorCode = null)
    {
        if (!await BeginAsync(type))
        {
            return false;
        }

        Json.WritePropertyName("response"u8);
        ResponsesJson.WriteResponse(Json, _draft, phase, errorCode);
        return await EndAsync();
    }

    private void WriteItemPosition(string itemId)
    {
        Json.WriteString("item_id"u8, itemId);
        Json.WriteNumber("output_index"u8, _outputIndex);
    }

    /// <summary>Opens an event: the SSE event name, then <c>type</c> and <c>sequence_number</c>.</summary>
    private async ValueTask<bool> BeginAsync(string type)
    {
        if (!await _events.BeginAsync(type))
        {
            return false;
        }

        Json.WriteStartObject();
        Json.WriteString("type"u8, type);
        Json.WriteNumber("sequence_number"u8, _sequence++);
        return true;
    }

    private ValueTask<bool> EndAsync()
    {
        Json.WriteEndObject();
        return _events.EndAsync();
    }

    /// <summary>Ends a delta event; with stream_error the response then fails with response.failed and the stream ends.</summary>
    private async ValueTask<bool> EndDeltaAsync()
    {
        if (!await EndAsync())
        {
            return false;
        }

        if (_directives.StreamError is not { } code)
        {
            return true;
        }

        await WriteResponseEventAsync("response.failed", ResponsesJson.Phase.Failed, code);
        return false;
    }
}
