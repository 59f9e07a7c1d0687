using Switchyard.Configuration;

namespace Switchyard.Hosting;

/// <summary>
/// <c>switchyard healthcheck</c>: GET /healthz of the instance on this machine and exit 0 when it answers 200. The
/// container image's HEALTHCHECK runs it, as the image carries no curl.
/// </summary>
internal static class HealthCheckCommand
{
    public static async Task<int> RunAsync(string? configPath, string? listen)
    {
        var url = HealthUrl(listen ?? ListenOf(configPath));
        // Generous: a container runtime bounds the whole command with its own HEALTHCHECK --timeout.
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var response = await client.GetAsync(url);
            Console.WriteLine($"{url}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"{url}: {e.Message}");
            return 1;
        }
    }

    private static string ListenOf(string? configPath)
    {
        if (configPath is null)
        {
            return ServerConfig.DefaultListen;
        }
        try
        {
            return ConfigLoader.LoadFile(configPath).Server.Listen;
        }
        catch (Exception e) when (e is ConfigException or IOException)
        {
            return ServerConfig.DefaultListen;
        }
    }

    /// <summary>The listen address as a local URL: a wildcard host (0.0.0.0, [::], *, +) is reached on loopback.</summary>
    public static Uri HealthUrl(string listen)
    {
        var text = listen.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        var builder = new UriBuilder(text);
        if (builder.Host is "0.0.0.0" or "[::]" or "::")
        {
            builder.Host = "127.0.0.1";
        }
        builder.Path = "/healthz";
        return builder.Uri;
    }
}
