using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Switchyard.MockUpstream;

/// <summary>
/// The mock OpenAI upstream running in-process on loopback, for tests and the gateway's demo mode.
/// The OpenAI base URL is <see cref="BaseAddress"/> + "v1".
/// </summary>
public sealed class MockUpstreamServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RequestJournal _journal;
    private int _disposed;

    private MockUpstreamServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        _journal = app.Services.GetRequiredService<RequestJournal>();
        BaseAddress = baseAddress;
    }

    /// <summary>"http://127.0.0.1:PORT/".</summary>
    public Uri BaseAddress { get; }

    /// <summary>A snapshot of the last 1000 requests received, oldest first (empty when recording is off).</summary>
    public IReadOnlyList<RecordedRequest> Requests => _journal.Snapshot();

    /// <summary>Starts the mock on 127.0.0.1:<paramref name="port"/> (0 picks a free port), recording requests.</summary>
    public static Task<MockUpstreamServer> StartAsync(int port = 0, CancellationToken cancellationToken = default) =>
        StartAsync(port, recordRequests: true, cancellationToken);

    /// <summary>Starts the mock on 127.0.0.1:<paramref name="port"/> (0 picks a free port).</summary>
    public static async Task<MockUpstreamServer> StartAsync(int port, bool recordRequests, CancellationToken cancellationToken = default)
    {
        // The empty builder reads no appsettings, environment or command line, so a host application's
        // configuration (Kestrel endpoints, URLs, logging) cannot leak into the mock.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(MockUpstreamServer).Assembly.GetName().Name,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Listen(IPAddress.Loopback, port);
        });
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddRoutingCore();
        // Waits end on ApplicationStopping, so in-flight requests drain quickly; this only bounds the rest.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddMockUpstream(recordRequests);

        var app = builder.Build();
        app.MapMockUpstream();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no listening address.");
        return new MockUpstreamServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public void ClearRequests() => _journal.Clear();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
