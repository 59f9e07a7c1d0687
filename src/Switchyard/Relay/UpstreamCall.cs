using System.Text;
using Switchyard.Contracts;

namespace Switchyard.Relay;

/// <summary>One upstream HTTP exchange under the router's timeouts, with failures classified.</summary>
internal sealed class UpstreamCall : IDisposable
{
    private const int MaxErrorBytes = 64 * 1024;
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationToken _aborted;
    private readonly TimeSpan _idleTimeout;
    private CancellationTokenSource? _idle;

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

    /// <summary>Reads at most 64 KiB of an error answer: enough for any error body, bounded against a hostile upstream.</summary>
    public async Task<byte[]> ReadErrorBodyAsync(HttpResponseMessage response)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(Deadline);
            var buffer = new byte[MaxErrorBytes];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), Deadline)) > 0)
            {
                read += n;
            }
            return buffer[..read];
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            return [];
        }
    }

    public void Dispose()
    {
        _idle?.Dispose();
        _deadline.Dispose();
    }
}
