using System.Text;
using Switchyard.Contracts;

namespace Switchyard.Relay;

/// <summary>One upstream HTTP exchange under the router's timeouts, with failures classified.</summary>
internal sealed class UpstreamCall : IDisposable
{
    /// <summary>The most of an upstream error body the gateway reads, quotes or relays: any real error fits.</summary>
    public const int MaxErrorBytes = 16 * 1024;
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationToken _aborted;
    private readonly TimeSpan _idleTimeout;
    private CancellationTokenSource? _idle;
    private CancellationTokenSource? _write;

    public UpstreamCall(TimeSpan requestTimeout, TimeSpan idleTimeout, CancellationToken aborted)
    {
        _aborted = aborted;
        _idleTimeout = idleTimeout;
        _deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        _deadline.CancelAfter(requestTimeout);
    }

    /// <summary>Cancelled by the client leaving or by <c>router.request_timeout</c>.</summary>
    public CancellationToken Deadline => _deadline.Token;

    /// <summary>
    /// For reading a stream: also cancelled when no byte arrives for <c>router.stream_idle_timeout</c>.
    /// Each call re-arms the idle timer; one token source serves the whole stream.
    /// </summary>
    public CancellationToken NextStreamRead()
    {
        _idle ??= CancellationTokenSource.CreateLinkedTokenSource(_deadline.Token);
        _idle.CancelAfter(_idleTimeout);
        return _idle.Token;
    }

    /// <summary>
    /// For writing to the client: a client that stops reading blocks the write once the socket buffers are full, so each
    /// write may wait at most <c>router.stream_idle_timeout</c>. Not tied to the deadline, so the error event that
    /// reports a timeout still gets its chance to go out; a stalled client is cut by this timer, well within the deadline.
    /// </summary>
    public CancellationToken NextClientWrite()
    {
        // Not linked to the client's token: a cancelled write then always means this timer fired, while a client that
        // left ends the write on its own (Kestrel aborts the connection when a write is cancelled, which looks the same).
        if (_write is null || !_write.TryReset())
        {
            _write?.Dispose();
            _write = new CancellationTokenSource();
        }
        _write.CancelAfter(_idleTimeout);
        return _write.Token;
    }

    /// <summary>The last write to the client waited longer than <c>router.stream_idle_timeout</c>.</summary>
    public bool WriteTimedOut => _write?.IsCancellationRequested == true;

    /// <summary>The error for a stream read that was cancelled while the client was still there.</summary>
    public GatewayError StreamStalled() => _deadline.IsCancellationRequested
        ? StreamErrors.StreamTimeout
        : new GatewayError(GatewayErrorKind.UpstreamTimeout, 504, "The upstream stream went silent (router.stream_idle_timeout).");

    public bool ClientGone => _aborted.IsCancellationRequested;

    public async Task<(HttpResponseMessage? Response, GatewayError? Error)> SendAsync(
        HttpMessageInvoker invoker, HttpRequestMessage message, TimeSpan firstByteTimeout, RelayContext context, string channel)
    {
        using var firstByte = CancellationTokenSource.CreateLinkedTokenSource(_deadline.Token);
        firstByte.CancelAfter(firstByteTimeout);
        try
        {
            return (await context.TimeUpstreamAsync(invoker.SendAsync(message, firstByte.Token)), null);
        }
        catch (OperationCanceledException) when (!_aborted.IsCancellationRequested)
        {
            return (null, Timeout(_deadline.IsCancellationRequested ? "request_timeout" : "first_byte_timeout"));
        }
        catch (HttpRequestException e)
        {
            return (null, new GatewayError(GatewayErrorKind.UpstreamUnreachable, 502,
                $"The upstream channel '{channel}' could not be reached: {e.HttpRequestError}.", AllowFallback: true));
        }
    }

    public static GatewayError Timeout(string which) =>
        new(GatewayErrorKind.UpstreamTimeout, 504, $"The upstream did not answer in time (router.{which}).", AllowFallback: true);

    /// <summary>
    /// Reads at most <see cref="MaxErrorBytes"/> of an error answer, bounded against a hostile upstream.
    /// <c>Whole</c> is false when the body went on: a cut body is never passed through as the caller's error.
    /// </summary>
    public async Task<(byte[] Body, bool Whole)> ReadErrorBodyAsync(HttpResponseMessage response)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(Deadline);
            var buffer = new byte[MaxErrorBytes + 1];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), Deadline)) > 0)
            {
                read += n;
            }
            return read > MaxErrorBytes ? (buffer[..MaxErrorBytes], false) : (buffer[..read], true);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            return ([], true);
        }
    }

    /// <summary>
    /// Reads a whole non-stream answer into a pooled buffer of at most <paramref name="limit"/> bytes: an answer that
    /// announces more is refused before a byte of it is read, one that turns out larger is refused as soon as it passes
    /// the limit, and one cut short is a broken answer (502), never the gateway's own failure.
    /// </summary>
    public async Task<(UpstreamBody? Body, GatewayError? Error)> ReadBodyAsync(HttpResponseMessage response, long limit, RelayContext context)
    {
        if (response.Content.Headers.ContentLength is long announced && announced > limit)
        {
            return (null, StreamErrors.TooLarge(limit));
        }
        var body = new UpstreamBody((int)Math.Min(response.Content.Headers.ContentLength ?? 16 * 1024, limit), (int)limit);
        try
        {
            await using var stream = await context.TimeUpstreamAsync(response.Content.ReadAsStreamAsync(Deadline));
            while (true)
            {
                if (body.Free.IsEmpty && !body.Grow())
                {
                    // Full at the limit: one more byte makes it too large.
                    var probe = new byte[1];
                    if (await context.TimeUpstreamAsync(stream.ReadAsync(probe, Deadline)) == 0)
                    {
                        return (body, null);
                    }
                    body.Dispose();
                    return (null, StreamErrors.TooLarge(limit));
                }
                var read = await context.TimeUpstreamAsync(stream.ReadAsync(body.Free, Deadline));
                if (read == 0)
                {
                    return (body, null);
                }
                body.Advance(read);
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            body.Dispose();
            return (null, StreamErrors.Broken);
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>Ends the upstream request at once: a reader that must stop early does not wait for the rest of its answer.</summary>
    public void Cancel() => _deadline.Cancel();

    public void Dispose()
    {
        _write?.Dispose();
        _idle?.Dispose();
        _deadline.Dispose();
    }
}
