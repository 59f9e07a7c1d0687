using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Switchyard.MockUpstream;

/// <summary>What every endpoint does before its own work: read and record the body, check the key, collect header directives.</summary>
internal delegate Task MockHandler(HttpContext context, ReadOnlyMemory<byte> body, MockDirectives directives);

/// <summary>The shared request pipeline and the waits that fault injection needs.</summary>
internal sealed class MockPipeline(RequestJournal journal, TimeProvider timeProvider, IHostApplicationLifetime lifetime)
{
    public const string InvalidApiKey = "mock-invalid-key";

    // Kestrel rejects larger bodies before this anyway (30 MB by default); the cap keeps a chunked body bounded too.
    private const int MaxBodyBytes = 32 * 1024 * 1024;

    // 100 ms was not always enough on the 2-core CI machine with the test suite running in parallel: a cut stream
    // then arrived with none of its events (two integration tests and a billing test failed that way).
    private static readonly TimeSpan CutDrainTime = TimeSpan.FromMilliseconds(500);

    public TimeProvider Time => timeProvider;

    public RequestDelegate Authenticated(MockHandler handler, MockDialect dialect = MockDialect.OpenAi) =>
        context => RunAsync(context, handler, authenticate: true, dialect);

    public RequestDelegate Anonymous(MockHandler handler) => context => RunAsync(context, handler, authenticate: false, MockDialect.OpenAi);

    /// <summary>
    /// Applies the directives that act before the response starts: delay, hang and injected status.
    /// Returns false when the request has been answered (or abandoned) and the endpoint must stop.
    /// </summary>
    public async ValueTask<bool> BeforeResponseAsync(HttpContext context, MockDirectives directives, string model, MockDialect dialect = MockDialect.OpenAi)
    {
        if (directives.DelayMs > 0 && !await WaitAsync(context, TimeSpan.FromMilliseconds(directives.DelayMs)))
        {
            return false;
        }

        if (directives.Hang)
        {
            // Only the client giving up (or the server stopping) ends this wait; the request is then dropped.
            await WaitAsync(context, Timeout.InfiniteTimeSpan);
            return false;
        }

        if (directives.Status is int echoed && (directives.EchoHeaders || directives.ErrorPad > 0))
        {
            await MockErrors.WithMessageAsync(dialect, context, echoed, EchoMessage(context, directives, echoed));
            return false;
        }

        if (directives.Status is int status)
        {
            await MockErrors.ForStatusAsync(dialect, context, status, model, directives.RetryAfterSeconds ?? 1);
            return false;
        }

        return true;
    }

    private static string EchoMessage(HttpContext context, MockDirectives directives, int status)
    {
        var message = new System.Text.StringBuilder($"Mock upstream error {status}.");
        if (directives.EchoHeaders)
        {
            message.Append(EchoedHeaders(context));
        }
        return message.Append('x', directives.ErrorPad).ToString();
    }

    /// <summary>Every request header with its value, as a careless upstream quotes them in an error.</summary>
    public static string EchoedHeaders(HttpContext context)
    {
        var message = new System.Text.StringBuilder(" Request headers:");
        foreach (var (name, value) in context.Request.Headers)
        {
            message.Append(' ').Append(name).Append(": ").Append(value.ToString()).Append(';');
        }
        return message.ToString();
    }

    /// <summary>
    /// Sends a whole JSON body with 200. With cut_after=N (a plain response has no events to count) only the first
    /// N bytes go out, under the full Content-Length so the client can tell the body was cut short.
    /// </summary>
    public async Task WriteBodyAsync(HttpContext context, PooledBufferWriter buffer, MockDirectives directives, string contentType = "application/json")
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = contentType;
        if (directives.BodyBytes is long bodyBytes)
        {
            await WriteHugeBodyAsync(context, bodyBytes);
            return;
        }

        if (directives.ContentLength is long announced)
        {
            // A lying length: the real body goes out, then the answer neither ends nor completes.
            context.Response.ContentLength = announced;
            await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await WaitAsync(context, Timeout.InfiniteTimeSpan);
            return;
        }

        if (directives.Malformed)
        {
            // Complete as sent (its own Content-Length), but only the first half of the JSON.
            var half = buffer.WrittenMemory[..(buffer.WrittenMemory.Length / 2)];
            context.Response.ContentLength = half.Length;
            await context.Response.Body.WriteAsync(half, context.RequestAborted);
            return;
        }

        if (directives.CutAfter is int cutAfter)
        {
            context.Response.ContentLength = buffer.WrittenMemory.Length;
            var partial = buffer.WrittenMemory[..Math.Min(cutAfter, buffer.WrittenMemory.Length - 1)];
            await context.Response.Body.WriteAsync(partial, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await CutConnectionAsync(context);
            return;
        }

        await buffer.CopyToResponseAsync(context.Response, context.RequestAborted);
    }

    private static readonly byte[] Padding = System.Text.Encoding.ASCII.GetBytes(new string('x', 64 * 1024));

    /// <summary>Valid JSON of about <paramref name="bytes"/> bytes, written chunk by chunk so the mock's own memory stays flat.</summary>
    private static async Task WriteHugeBodyAsync(HttpContext context, long bytes)
    {
        var body = context.Response.Body;
        await body.WriteAsync("{\"pad\":\""u8.ToArray(), context.RequestAborted);
        for (var left = bytes; left > 0; left -= Padding.Length)
        {
            await body.WriteAsync(Padding.AsMemory(0, (int)Math.Min(left, Padding.Length)), context.RequestAborted);
        }
        await body.WriteAsync("\"}"u8.ToArray(), context.RequestAborted);
    }

    /// <summary>Waits unless the client disconnects or the server stops; in those cases the connection is aborted and false returned.</summary>
    public async ValueTask<bool> WaitAsync(HttpContext context, TimeSpan delay)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(delay, timeProvider, linked.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            context.Abort();
            return false;
        }
    }

    /// <summary>
    /// Breaks the connection on purpose after what was flushed has left. Kestrel's Abort drops output its
    /// socket loop has not sent yet, so without the pause a cut stream would arrive empty instead of cut.
    /// </summary>
    public async Task CutConnectionAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(CutDrainTime, timeProvider, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // Gone already; aborting below is still harmless.
        }

        context.Abort();
    }

    private async Task RunAsync(HttpContext context, MockHandler handler, bool authenticate, MockDialect dialect)
    {
        context.Response.Headers["x-request-id"] = MockIds.RequestId();
        if (dialect == MockDialect.Anthropic)
        {
            // Anthropic's SDKs read the request id from "request-id" and error bodies repeat it.
            context.Response.Headers["request-id"] = MockIds.AnthropicRequestId();
        }

        var (buffer, length) = await ReadBodyAsync(context, dialect);
        if (buffer is null)
        {
            return;
        }

        try
        {
            var body = buffer.AsMemory(0, length);
            if (journal.Enabled)
            {
                journal.Record(context.Request, body.Span);
            }

            if (authenticate && !await AuthorizeAsync(context, dialect))
            {
                return;
            }

            await handler(context, body, MockDirectives.FromHeaders(context.Request.Headers));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away mid-response; there is nobody left to answer.
        }
        finally
        {
            if (buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static ValueTask<bool> AuthorizeAsync(HttpContext context, MockDialect dialect) => dialect switch
    {
        MockDialect.Anthropic => AuthorizeAnthropicAsync(context),
        MockDialect.Gemini => AuthorizeGeminiAsync(context),
        _ => AuthorizeOpenAiAsync(context),
    };

    private static ReadOnlySpan<char> BearerToken(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        return authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            ? authorization.AsSpan(scheme.Length).Trim()
            : [];
    }

    /// <summary>Claude Code and the 0.x SDKs send x-api-key; the 1.x TypeScript SDK sends a Bearer token. Both are Anthropic keys.</summary>
    private static async ValueTask<bool> AuthorizeAnthropicAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        var key = headers.TryGetValue("x-api-key", out var apiKey) && apiKey.ToString().Trim() is { Length: > 0 } value
            ? value.AsSpan()
            : BearerToken(context);
        if (key.IsEmpty)
        {
            await AnthropicErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, AnthropicErrors.Authentication, "x-api-key header is required");
            return false;
        }

        if (key.SequenceEqual(InvalidApiKey))
        {
            await AnthropicErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, AnthropicErrors.Authentication, "invalid x-api-key");
            return false;
        }

        if (string.IsNullOrWhiteSpace(headers["anthropic-version"]))
        {
            await AnthropicErrors.InvalidRequestAsync(context, "anthropic-version: header is required");
            return false;
        }

        return true;
    }

    private static async ValueTask<bool> AuthorizeGeminiAsync(HttpContext context)
    {
        var key = context.Request.Headers["x-goog-api-key"].ToString();
        if (key.Length == 0)
        {
            key = context.Request.Query["key"].ToString();
        }

        if (key.Length == 0)
        {
            await GeminiErrors.WriteAsync(
                context,
                StatusCodes.Status403Forbidden,
                "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
                "PERMISSION_DENIED");
            return false;
        }

        if (key == InvalidApiKey)
        {
            // Google answers a wrong key with 400, not 401, and names the cause in an ErrorInfo detail.
            await GeminiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT", "API_KEY_INVALID", null);
            return false;
        }

        return true;
    }

    private static async ValueTask<bool> AuthorizeOpenAiAsync(HttpContext context)
    {
        var key = BearerToken(context);
        if (key.IsEmpty)
        {
            await OpenAiErrors.MissingApiKeyAsync(context);
            return false;
        }

        if (key.SequenceEqual(InvalidApiKey))
        {
            await OpenAiErrors.InvalidApiKeyAsync(context, InvalidApiKey);
            return false;
        }

        return true;
    }

    /// <summary>Reads the whole body into a pooled array; a null array means the request was already answered or abandoned.</summary>
    private static async ValueTask<(byte[]? Buffer, int Length)> ReadBodyAsync(HttpContext context, MockDialect dialect)
    {
        var request = context.Request;
        if (request.ContentLength == 0 || (request.ContentLength is null && !HttpMethods.IsPost(request.Method) && !HttpMethods.IsPut(request.Method)))
        {
            return ([], 0);
        }

        var initial = request.ContentLength is long declared and <= MaxBodyBytes ? (int)Math.Max(declared, 1) : 4096;
        var buffer = ArrayPool<byte>.Shared.Rent(initial);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= MaxBodyBytes)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        await MockErrors.BodyTooLargeAsync(dialect, context);
                        return (null, 0);
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted);
                if (read == 0)
                {
                    return (buffer, length);
                }

                length += read;
                if (length == request.ContentLength)
                {
                    return (buffer, length);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            context.Abort();
            return (null, 0);
        }
    }
}
