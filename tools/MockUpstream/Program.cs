using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchyard.MockUpstream;

/// <summary>
/// Standalone mock for the benchmark and manual runs:
/// <c>dotnet run --project tools/MockUpstream -- --urls http://127.0.0.1:5100</c>.
/// </summary>
internal static class Program
{
    private const string DefaultUrl = "http://127.0.0.1:5100";

    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(options => options.AddServerHeader = false);
        // Recording copies every request; the benchmark measures against this process, so it stays off.
        builder.Services.AddMockUpstream(recordRequests: false);

        await using var app = builder.Build();
        app.MapMockUpstream();
        await app.StartAsync();
        foreach (var url in app.Urls)
        {
            await Console.Out.WriteLineAsync($"MockUpstream listening on {url}");
        }

        await app.WaitForShutdownAsync();
    }
}
