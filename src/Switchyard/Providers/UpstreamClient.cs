using System.Net;

namespace Switchyard.Providers;

/// <summary>
/// The one outbound HTTP stack: pooled connections, no proxy, no redirects, no decompression
/// (bytes are relayed as they come, so they must not be transformed on the way).
/// </summary>
public sealed class UpstreamClient : IDisposable
{
    public UpstreamClient()
    {
        Invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
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

    public void Dispose() => Invoker.Dispose();
}
