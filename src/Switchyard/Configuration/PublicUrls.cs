namespace Switchyard.Configuration;

/// <summary>The gateway's public address as links start with it (<c>server.public_url</c>, an import's <c>--public-url</c>).</summary>
public static class PublicUrls
{
    public static bool IsValid(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Query.Length == 0 && uri.Fragment.Length == 0
        && uri.UserInfo.Length == 0;

    /// <summary>The address without a trailing slash, so a path such as <c>/ui/</c> can follow it.</summary>
    public static string Origin(string url) => url.TrimEnd('/');
}
