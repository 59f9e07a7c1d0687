using System.Net;
using System.Net.Sockets;

namespace Switchyard.Providers;

/// <summary>
/// The one outbound HTTP stack: pooled connections, no proxy, no redirects, no decompression
/// (bytes are relayed as they come, so they must not be transformed on the way).
/// </summary>
public sealed class UpstreamClient : IDisposable
{
    private readonly Func<IPAddress, bool>? _allowAddress;

    /// <param name="allowAddress">
    /// The host policy (security.upstream_hosts), asked for every address a channel's host resolves to when a
    /// connection opens: config validation refuses literal addresses and known metadata names early, this refuses a
    /// name that resolves (or is re-pointed, DNS rebinding) to a metadata or link-local address.
    /// </param>
    public UpstreamClient(Func<IPAddress, bool>? allowAddress = null)
    {
        _allowAddress = allowAddress;
        Invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectCallback = allowAddress is null ? null : ConnectAsync,
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            MaxConnectionsPerServer = int.MaxValue,
            EnableMultipleHttp2Connections = true,
            // The relay sends traceparent itself, from its attempt span and only while tracing is on; the handler's own
            // propagation would add one from any ambient activity and costs every request a pass through its diagnostics.
            ActivityHeadersPropagator = null,
        });
    }

    public HttpMessageInvoker Invoker { get; }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);
        var allowed = Array.FindAll(addresses, a => _allowAddress!(a));
        if (allowed.Length == 0)
        {
            // Says which policy refused it, never connects: a resolved metadata address must not be reached at all.
            throw new HttpRequestException(HttpRequestError.ConnectionError,
                $"The upstream host '{endpoint.Host}' resolves only to addresses refused by security.upstream_hosts.");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => Invoker.Dispose();
}
