using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Switchyard.MockUpstream;

/// <summary>
/// Writes one chat completion as OpenAI's server-sent events: every event is <c>data: {json}\n\n</c>,
/// flushed on its own, ending with a single <c>data: [DONE]\n\n</c> unless a directive says otherwise.
/// </summary>
internal sealed class ChatCompletionStream : IDisposable
{
    // OpenAI streams tool-call arguments in fragments; three is enough to exercise reassembly.
    private const int ArgumentFragments = 3;

    private static readonly ReadOnlyMemory<byte> Done = "data: [DONE]\n\n"u8.ToArray();

    private readonly MockDirectives _directives;
    private readonly ChatCompletionHeader _header;
    private readonly bool _includeUsage;
    private readonly MockEventStream _events;

    public ChatCompletionStream(HttpContext context, MockPipeline pipeline, MockDirectives directives, ChatCompletionHeader header, bool includeUsage)
    {
        _directives = directives;
        _header = header;
        _includeUsage = includeUsage;
        _events = new MockEventStream(context, pipeline, directives, MockFraming.Sse);
    }

    private Utf8JsonWriter Json => _events.Json;

    public void Dispose() => _events.Dispose();

    public async Task WriteAsync(MockOutcome outcome)
    {
        _events.Start("text/event-stream; charset=utf-8");
        var completed = outcome.ToolCalls is { } calls
            ? await WriteToolCallsAsync(calls)
            : await WriteTextAsync(outcome.Text ?? string.Empty);
        if (!completed)
        {
            return;
        }

        // vLLM/DeepSeek-style upstreams put the totals on the finish_reason chunk instead of a chunk of their own.
        var usageOnFinish = _includeUsage && _directives.UsageInLastChoiceChunk;
        if (!await _events.BeginAsync())
        {
            return;
        }

        ChatCompletionJson.StartChunk(Json, _header);
        ChatCompletionJson.StartChoice(Json);
        ChatCompletionJson.EndChoice(Json, ChatCompletionJson.FinishReason(outcome.Finish));
        ChatCompletionJson.EndChunk(Json, _includeUsage, usageOnFinish ? outcome.Usage : null);
        if (!await _events.EndAsync())
        {
            return;
        }

        if (_includeUsage && !usageOnFinish)
        {
            if (!await _events.BeginAsync())
            {
                return;
            }

            ChatCompletionJson.StartChunk(Json, _header);
            ChatCompletionJson.EndChunk(Json, _includeUsage, outcome.Usage);
            if (!await _events.EndAsync())
            {
                return;
            }
        }

        await _events.CompleteAsync(_directives.NoDone ? ReadOnlyMemory<byte>.Empty : Done);
    }

    private async ValueTask<bool> WriteTextAsync(string text)
    {
        if (!await _events.BeginAsync())
        {
            return false;
        }

        ChatCompletionJson.StartChunk(Json, _header);
        ChatCompletionJson.StartChoice(Json);
        Json.WriteString("role"u8, "assistant"u8);
        Json.WriteString("content"u8, ""u8);
        Json.WriteNull("refusal"u8);
        ChatCompletionJson.EndChoice(Json, finishReason: null);
        ChatCompletionJson.EndChunk(Json, _includeUsage, usage: null);
        if (!await _events.EndAsync())
        {
            return false;
        }

        var start = 0;
        var words = MockTokens.Count(text);
        for (var word = 0; word < words; word++)
        {
            var end = ReplyPieces.NextEnd(text, start);
            if (!await _events.BeginAsync())
            {
                return false;
            }

            ChatCompletionJson.StartChunk(Json, _header);
            ChatCompletionJson.StartChoice(Json);
            Json.WriteString("content"u8, text.AsSpan(start, end - start));
            ChatCompletionJson.EndChoice(Json, finishReason: null);
            ChatCompletionJson.EndChunk(Json, _includeUsage, usage: null);
            if (!await _events.EndAsync())
            {
                return false;
            }

            start = end;
        }

        return true;
    }

    private async ValueTask<bool> WriteToolCallsAsync(MockToolCall[] calls)
    {
        for (var index = 0; index < calls.Length; index++)
        {
            var call = calls[index];
            if (!await _events.BeginAsync())
            {
                return false;
            }

            // The first delta of a tool-call answer also opens the assistant message, as OpenAI's does.
            ChatCompletionJson.StartChunk(Json, _header);
            ChatCompletionJson.StartChoice(Json);
            if (index == 0)
            {
                Json.WriteString("role"u8, "assistant"u8);
                Json.WriteNull("content"u8);
            }

            ChatCompletionJson.WriteToolCallDelta(Json, index, call, opening: true, argumentsFragment: []);
            if (index == 0)
            {
                Json.WriteNull("refusal"u8);
            }

            ChatCompletionJson.EndChoice(Json, finishReason: null);
            ChatCompletionJson.EndChunk(Json, _includeUsage, usage: null);
            if (!await _events.EndAsync())
            {
                return false;
            }

            var arguments = call.Arguments;
            var start = 0;
            while (start < arguments.Length)
            {
                var end = ReplyPieces.ArgumentPieceEnd(arguments, start, ArgumentFragments);
                if (!await _events.BeginAsync())
                {
                    return false;
                }

                ChatCompletionJson.StartChunk(Json, _header);
                ChatCompletionJson.StartChoice(Json);
                ChatCompletionJson.WriteToolCallDelta(Json, index, call, opening: false, arguments.AsSpan(start, end - start));
                ChatCompletionJson.EndChoice(Json, finishReason: null);
                ChatCompletionJson.EndChunk(Json, _includeUsage, usage: null);
                if (!await _events.EndAsync())
                {
                    return false;
                }

                start = end;
            }
        }

        return true;
    }
}
