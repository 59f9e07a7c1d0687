using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace Switchyard.Telemetry.Otlp;

/// <summary>
/// Posts OTLP/HTTP protobuf bodies to one collector URL. A failed post is reported by its result and logged at most
/// once a minute: a collector that is down would otherwise log at every export forever.
/// </summary>
internal sealed class OtlpHttpSender(Uri endpoint, string signal, string whenFailed, ILogger logger) : IDisposable
{
    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2) }) { Timeout = TimeSpan.FromSeconds(10) };
    private DateTime _lastFailureLogged = DateTime.MinValue;

    /// <summary>False when the collector refused the body or could not be reached in time.</summary>
    public async Task<bool> PostAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        try
        {
            using var content = new ReadOnlyMemoryContent(body);
            content.Headers.ContentType = Protobuf;
            using var response = await _http.PostAsync(endpoint, content, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }
            LogFailure($"status {(int)response.StatusCode}");
            return false;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogFailure(e.GetType().Name);
            return false;
        }
    }

    private void LogFailure(string reason)
    {
        var now = DateTime.UtcNow;
        if (now - _lastFailureLogged < TimeSpan.FromMinutes(1))
        {
            return;
        }
        _lastFailureLogged = now;
        logger.LogWarning("OTLP {Signal} export failed ({Reason}); {Consequence}", signal, reason, whenFailed);
    }

    public void Dispose() => _http.Dispose();
}
