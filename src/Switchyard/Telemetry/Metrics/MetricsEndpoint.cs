using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Switchyard.Configuration;

namespace Switchyard.Telemetry.Metrics;

/// <summary><c>GET /metrics</c>: the Prometheus exposition, behind <c>Authorization: Bearer {metrics.token}</c> when one is set.</summary>
public sealed class MetricsEndpoint(MetricsCollector collector, RuntimeGauges gauges, GatewayConfig config)
{
    private readonly byte[]? _token = config.Metrics.Token is { } token ? Encoding.UTF8.GetBytes(token) : null;

    /// <summary>Kept so the observable instruments live as long as the endpoint.</summary>
    public RuntimeGauges Gauges { get; } = gauges;

    public async Task HandleAsync(HttpContext http)
    {
        if (_token is not null && !Authorized(http.Request.Headers.Authorization.ToString()))
        {
            http.Response.StatusCode = 401;
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"metrics\"";
            return;
        }
        var text = collector.Read(PrometheusWriter.Write);
        http.Response.ContentType = PrometheusWriter.ContentType;
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.WriteAsync(text, http.RequestAborted);
    }

    private bool Authorized(string header)
    {
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var presented = Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(presented, _token);
    }
}
