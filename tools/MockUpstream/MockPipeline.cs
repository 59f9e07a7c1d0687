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

    private static readonly TimeSpan CutDrainTime = TimeSpan.FromMilliseconds(100);

    public TimeProvider Time => timeProvider;

    public RequestDelegate Authenticated(MockHandler handler) => context => RunAsync(context, handler, authenticate: true);

    public RequestDelegate Anonymous(MockHandler handler) => context => RunAsync(context, handler, authenticate: false);

    /// <summary>
    /// Applies the directives that act before the response starts: delay, hang and injected status.
    /// Returns false when the request has been answered (or abandoned) and the endpoint must stop.
    /// </summary>
    public async ValueTask<bool> BeforeResponseAsync(HttpContext context, MockDirectives directives, string model)
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

        if (directives.Status is int status)
        {
            await OpenAiErrors.ForStatusAsync(context, status, model, directives.RetryAfterSeconds ?? 1);
            return false;
        }

        return true;
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

    private async Task RunAsync(HttpContext context, MockHandler handler, bool authenticate)
    {
        context.Response.Headers["x-request-id"] = MockIds.RequestId();
        var (buffer, length) = await ReadBodyAsync(context);
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

            if (authenticate && !await AuthorizeAsync(context))
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

    private static async ValueTask<bool> AuthorizeAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var key = authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            ? authorization.AsSpan(scheme.Length).Trim()
            : [];
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
    private static async ValueTask<(byte[]? Buffer, int Length)> ReadBodyAsync(HttpContext context)
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
                        await OpenAiErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large.", "invalid_request_error", null, null);
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
