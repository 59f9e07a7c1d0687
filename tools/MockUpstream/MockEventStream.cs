using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Switchyard.MockUpstream;

/// <summary>How events are framed on the wire.</summary>
internal enum MockFraming
{
    /// <summary><c>[event: NAME\n]data: {json}\n\n</c>: OpenAI and Anthropic.</summary>
    Sse,

    /// <summary><c>data: {json}\r\n\r\n</c>: Gemini with <c>alt=sse</c>.</summary>
    SseCrlf,

    /// <summary><c>[{json},\r\n{json}]</c>: Gemini's streamGenerateContent without <c>alt=sse</c>, one array element per event.</summary>
    JsonArray,
}

/// <summary>
/// One streamed response, shared by every protocol: frames each event, flushes it on its own and applies the
/// stream directives (chunk_delay_ms between events, cut_after after N events) the same way everywhere.
/// </summary>
internal sealed class MockEventStream : IDisposable
{
    private readonly HttpContext _context;
    private readonly MockPipeline _pipeline;
    private readonly MockDirectives _directives;
    private readonly MockFraming _framing;
    private readonly PipeWriter _body;
    private readonly Utf8JsonWriter _json;
    private bool _garbageSent;

    public MockEventStream(HttpContext context, MockPipeline pipeline, MockDirectives directives, MockFraming framing)
    {
        _context = context;
        _pipeline = pipeline;
        _directives = directives;
        _framing = framing;
        _body = context.Response.BodyWriter;
        _json = new Utf8JsonWriter(_body, MockJson.WriterOptions);
    }

    /// <summary>The writer for the current event's JSON, valid between <see cref="BeginAsync"/> and <see cref="EndAsync"/>.</summary>
    public Utf8JsonWriter Json => _json;

    /// <summary>Events written so far.</summary>
    public int Events { get; private set; }

    public void Dispose() => _json.Dispose();

    /// <summary>Sends the status line and headers' content type; the body follows event by event.</summary>
    public void Start(string contentType)
    {
        var response = _context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.Headers.CacheControl = "no-cache";
    }

    /// <summary>Applies chunk_delay_ms and cut_after, then writes the event prefix. False means stop writing.</summary>
    public async ValueTask<bool> BeginAsync(string? eventName = null)
    {
        if (Events > 0 && _directives.ChunkDelayMs > 0
            && !await _pipeline.WaitAsync(_context, TimeSpan.FromMilliseconds(_directives.ChunkDelayMs)))
        {
            return false;
        }

        if (_directives.CutAfter is int cutAfter && Events >= cutAfter)
        {
            await _pipeline.CutConnectionAsync(_context);
            return false;
        }

        switch (_framing)
        {
            case MockFraming.JsonArray:
                _body.Write(Events == 0 ? "["u8 : ",\r\n"u8);
                break;
            default:
                if (Events == 1 && _directives.Malformed && !_garbageSent)
                {
                    // A frame no upstream protocol sends: data that is not JSON.
                    _garbageSent = true;
                    _body.Write("data: <html>mock garbage, not an event</html>"u8);
                    _body.Write(_framing == MockFraming.SseCrlf ? "\r\n\r\n"u8 : "\n\n"u8);
                }

                if (_directives.EventPad > 0)
                {
                    // An SSE comment: clients ignore it, but every byte of it crosses the wire.
                    _body.Write(": "u8);
                    _body.GetSpan(_directives.EventPad)[.._directives.EventPad].Fill((byte)'x');
                    _body.Advance(_directives.EventPad);
                    _body.Write("\n"u8);
                }

                if (eventName is not null)
                {
                    _body.Write("event: "u8);
                    Encoding.UTF8.GetBytes(eventName, _body);
                    _body.Write("\n"u8);
                }

                _body.Write("data: "u8);
                break;
        }

        _json.Reset(_body);
        return true;
    }

    /// <summary>Ends the event and flushes it. False means the client is gone.</summary>
    public async ValueTask<bool> EndAsync()
    {
        _json.Flush();
        switch (_framing)
        {
            case MockFraming.Sse:
                _body.Write("\n\n"u8);
                break;
            case MockFraming.SseCrlf:
                _body.Write("\r\n\r\n"u8);
                break;
            case MockFraming.JsonArray:
                break;
        }

        Events++;
        var flushed = await _body.FlushAsync(_context.RequestAborted);
        return !flushed.IsCanceled && !flushed.IsCompleted;
    }

    /// <summary>
    /// Ends the stream after its last event, writing <paramref name="trailer"/> (OpenAI's <c>data: [DONE]</c>, the
    /// JSON array's <c>]</c>) unless cut_after is set: a cut stream must look broken, never finished.
    /// </summary>
    public async Task CompleteAsync(ReadOnlyMemory<byte> trailer)
    {
        if (!trailer.IsEmpty && Events > 0 && _directives.ChunkDelayMs > 0
            && !await _pipeline.WaitAsync(_context, TimeSpan.FromMilliseconds(_directives.ChunkDelayMs)))
        {
            return;
        }

        if (_directives.CutAfter is not null)
        {
            await _pipeline.CutConnectionAsync(_context);
            return;
        }

        if (!trailer.IsEmpty)
        {
            await _body.WriteAsync(trailer, _context.RequestAborted);
        }

        if (_directives.LingerMs > 0)
        {
            // Everything is sent; the response (and the connection's use) ends only later, as a slow upstream's does.
            await _body.FlushAsync(_context.RequestAborted);
            await _pipeline.WaitAsync(_context, TimeSpan.FromMilliseconds(_directives.LingerMs));
        }
    }
}
