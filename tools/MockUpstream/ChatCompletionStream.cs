using System.Buffers;
using System.IO.Pipelines;
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

    private readonly HttpContext _context;
    private readonly MockPipeline _pipeline;
    private readonly MockDirectives _directives;
    private readonly ChatCompletionHeader _header;
    private readonly bool _includeUsage;
    private readonly PipeWriter _body;
    private readonly Utf8JsonWriter _json;
    private int _events;

    public ChatCompletionStream(HttpContext context, MockPipeline pipeline, MockDirectives directives, ChatCompletionHeader header, bool includeUsage)
    {
        _context = context;
        _pipeline = pipeline;
        _directives = directives;
        _header = header;
        _includeUsage = includeUsage;
        _body = context.Response.BodyWriter;
        _json = new Utf8JsonWriter(_body, MockJson.WriterOptions);
    }

    public void Dispose() => _json.Dispose();

    public async Task WriteAsync(ChatCompletionOutcome outcome)
    {
        var response = _context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";

        var completed = outcome.ToolCalls is { } calls
            ? await WriteToolCallsAsync(calls)
            : await WriteTextAsync(outcome.Text ?? string.Empty);
        if (!completed)
        {
            return;
        }

        // vLLM/DeepSeek-style upstreams put the totals on the finish_reason chunk instead of a chunk of their own.
        var usageOnFinish = _includeUsage && _directives.UsageInLastChoiceChunk;
        if (!await BeginEventAsync())
        {
            return;
        }

        ChatCompletionJson.StartChunk(_json, _header);
        ChatCompletionJson.StartChoice(_json);
        ChatCompletionJson.EndChoice(_json, outcome.FinishReason);
        ChatCompletionJson.EndChunk(_json, _includeUsage, usageOnFinish ? outcome.Usage : null);
        if (!await EndEventAsync())
        {
            return;
        }

        if (_includeUsage && !usageOnFinish)
        {
            if (!await BeginEventAsync())
            {
                return;
            }

            ChatCompletionJson.StartChunk(_json, _header);
            ChatCompletionJson.EndChunk(_json, _includeUsage, outcome.Usage);
            if (!await EndEventAsync())
            {
                return;
            }
        }

        await WriteDoneAsync();
    }

    private async ValueTask<bool> WriteTextAsync(string text)
    {
        if (!await BeginEventAsync())
        {
            return false;
        }

        ChatCompletionJson.StartChunk(_json, _header);
        ChatCompletionJson.StartChoice(_json);
        _json.WriteString("role"u8, "assistant"u8);
        _json.WriteString("content"u8, ""u8);
        _json.WriteNull("refusal"u8);
        ChatCompletionJson.EndChoice(_json, finishReason: null);
        ChatCompletionJson.EndChunk(_json, _includeUsage, usage: null);
        if (!await EndEventAsync())
        {
            return false;
        }

        var start = 0;
        var words = MockTokens.Count(text);
        for (var word = 0; word < words; word++)
        {
            var end = ReplyPieces.NextEnd(text, start);
            if (!await BeginEventAsync())
            {
                return false;
            }

            ChatCompletionJson.StartChunk(_json, _header);
            ChatCompletionJson.StartChoice(_json);
            _json.WriteString("content"u8, text.AsSpan(start, end - start));
            ChatCompletionJson.EndChoice(_json, finishReason: null);
            ChatCompletionJson.EndChunk(_json, _includeUsage, usage: null);
            if (!await EndEventAsync())
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
            if (!await BeginEventAsync())
            {
                return false;
            }

            // The first delta of a tool-call answer also opens the assistant message, as OpenAI's does.
            ChatCompletionJson.StartChunk(_json, _header);
            ChatCompletionJson.StartChoice(_json);
            if (index == 0)
            {
                _json.WriteString("role"u8, "assistant"u8);
                _json.WriteNull("content"u8);
            }

            ChatCompletionJson.WriteToolCallDelta(_json, index, call, opening: true, argumentsFragment: []);
            if (index == 0)
            {
                _json.WriteNull("refusal"u8);
            }

            ChatCompletionJson.EndChoice(_json, finishReason: null);
            ChatCompletionJson.EndChunk(_json, _includeUsage, usage: null);
            if (!await EndEventAsync())
            {
                return false;
            }

            var arguments = call.Arguments;
            var start = 0;
            while (start < arguments.Length)
            {
                var end = ReplyPieces.ArgumentPieceEnd(arguments, start, ArgumentFragments);
                if (!await BeginEventAsync())
                {
                    return false;
                }

                ChatCompletionJson.StartChunk(_json, _header);
                ChatCompletionJson.StartChoice(_json);
                ChatCompletionJson.WriteToolCallDelta(_json, index, call, opening: false, arguments.AsSpan(start, end - start));
                ChatCompletionJson.EndChoice(_json, finishReason: null);
                ChatCompletionJson.EndChunk(_json, _includeUsage, usage: null);
                if (!await EndEventAsync())
                {
                    return false;
                }

                start = end;
            }
        }

        return true;
    }

    /// <summary>Applies chunk_delay_ms and cut_after, then writes the event prefix. False means stop writing.</summary>
    private async ValueTask<bool> BeginEventAsync()
    {
        if (_events > 0 && _directives.ChunkDelayMs > 0
            && !await _pipeline.WaitAsync(_context, TimeSpan.FromMilliseconds(_directives.ChunkDelayMs)))
        {
            return false;
        }

        if (_directives.CutAfter is int cutAfter && _events >= cutAfter)
        {
            await _pipeline.CutConnectionAsync(_context);
            return false;
        }

        _body.Write("data: "u8);
        _json.Reset(_body);
        return true;
    }

    private async ValueTask<bool> EndEventAsync()
    {
        _json.Flush();
        _body.Write("\n\n"u8);
        _events++;
        var flushed = await _body.FlushAsync(_context.RequestAborted);
        return !flushed.IsCanceled && !flushed.IsCompleted;
    }

    private async ValueTask WriteDoneAsync()
    {
        if (_events > 0 && _directives.ChunkDelayMs > 0
            && !await _pipeline.WaitAsync(_context, TimeSpan.FromMilliseconds(_directives.ChunkDelayMs)))
        {
            return;
        }

        // cut_after never lets [DONE] through: a cut stream must look broken to the client.
        if (_directives.CutAfter is not null)
        {
            await _pipeline.CutConnectionAsync(_context);
            return;
        }

        if (_directives.NoDone)
        {
            return;
        }

        _body.Write("data: [DONE]\n\n"u8);
        await _body.FlushAsync(_context.RequestAborted);
    }
}
