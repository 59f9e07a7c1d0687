using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Switchyard.Admin.Ui;

/// <summary>
/// <c>/ui/</c>: the admin web UI. Every answer carries a strict Content-Security-Policy: only this origin's own
/// scripts, styles and API, no inline code, no framing, so data shown by the UI cannot become code.
/// </summary>
public static class UiEndpoints
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void MapUi(this IEndpointRouteBuilder app)
    {
        var assets = new UiAssets();
        app.MapMethods("/ui/{**path}", [HttpMethods.Get, HttpMethods.Head], (HttpContext http, string? path) => Serve(http, assets, path ?? ""));
        // Someone who opens the gateway's address in a browser wants the console. Temporary (302): the root may
        // serve something else one day, and browsers must not remember this for good.
        app.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], (HttpContext http) =>
        {
            SecurityHeaders(http.Response);
            http.Response.Headers.CacheControl = "no-cache";
            return Results.Redirect(http.Request.PathBase + "/ui/");
        });
    }

    private static Task Serve(HttpContext http, UiAssets assets, string path)
    {
        var response = http.Response;
        SecurityHeaders(response);
        // Routing treats /ui and /ui/ alike; the page's relative links need the slash.
        if (!http.Request.Path.Value!.EndsWith('/') && path.Length == 0)
        {
            response.StatusCode = StatusCodes.Status301MovedPermanently;
            response.Headers.Location = http.Request.PathBase + "/ui/";
            response.Headers.CacheControl = "no-cache";
            return Task.CompletedTask;
        }
        var asset = assets.Find(path);
        if (asset is null)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            response.ContentType = "text/plain; charset=utf-8";
            response.Headers.CacheControl = "no-store";
            return HttpMethods.IsHead(http.Request.Method) ? Task.CompletedTask : response.WriteAsync("Not found.\n", http.RequestAborted);
        }
        // The files keep their names across versions, so the browser revalidates each time (a cheap 304).
        response.Headers.CacheControl = "no-cache";
        response.Headers.ETag = asset.ETag;
        if (http.Request.Headers.IfNoneMatch.Any(tag => tag == asset.ETag || tag == "*"))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Content.Length;
        return HttpMethods.IsHead(http.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(asset.Content, http.RequestAborted).AsTask();
    }

    private static void SecurityHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers[HeaderNames.XFrameOptions] = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
    }
}
