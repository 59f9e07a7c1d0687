using System.Net;
using System.Text.RegularExpressions;
using Switchyard.Admin.Ui;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.AdminUi;

/// <summary>How /ui/ serves the embedded files: types, security headers, caching, and nothing else.</summary>
public sealed partial class UiStaticFilesTests
{
    [Fact]
    public async Task Index_And_Assets_HaveTheirTypes_TheCsp_AndRevalidate()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        foreach (var (path, type) in new[]
        {
            ("/ui/", "text/html"),
            ("/ui/index.html", "text/html"),
            ("/ui/js/app.js", "text/javascript"),
            ("/ui/css/app.css", "text/css"),
            ("/ui/favicon.svg", "image/svg+xml"),
        })
        {
            using var response = await gateway.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType!.MediaType);
            var csp = string.Join(",", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Equal(UiEndpoints.ContentSecurityPolicy, csp);
            Assert.Contains("script-src 'self'", csp);
            Assert.DoesNotContain("unsafe", csp);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.True(response.Headers.CacheControl!.NoCache);
            Assert.NotNull(response.Headers.ETag);
            Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 0);
        }
    }

    [Fact]
    public async Task SameETag_Answers304_WithoutBody()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        using var first = await gateway.Http.GetAsync("/ui/js/app.js");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/ui/js/app.js");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var cached = await gateway.Http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);
        Assert.Empty(await cached.Content.ReadAsByteArrayAsync());

        using var stale = new HttpRequestMessage(HttpMethod.Get, "/ui/js/app.js");
        stale.Headers.TryAddWithoutValidation("If-None-Match", "\"0000\"");
        using var full = await gateway.Http.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
    }

    [Theory]
    [InlineData("/ui/nope.js")]
    [InlineData("/ui/js/")]
    [InlineData("/ui/js")]
    [InlineData("/ui/css/")]
    [InlineData("/ui/pages/")]
    [InlineData("/ui/../appsettings.json")]
    [InlineData("/ui/%2e%2e/Switchyard.dll")]
    [InlineData("/ui/js/app.js.map")]
    [InlineData("/ui/UiAssets.cs")]
    public async Task UnknownPaths_AndFolders_Are404_WithTheCsp(string path)
    {
        await using var gateway = await GatewayHarness.StartAsync();
        using var response = await gateway.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("<", await response.Content.ReadAsStringAsync());
        // Dot segments are resolved by the server before routing: those requests never reach /ui/ at all.
        if (!path.Contains("..") && !path.Contains("%2e"))
        {
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(response.Headers, h => h.Key == "Content-Security-Policy");
        }
    }

    [Fact]
    public async Task Ui_WithoutSlash_Redirects_AndHead_HasNoBody()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = gateway.BaseAddress };
        using var redirect = await client.GetAsync("/ui");
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        Assert.Equal("/ui/", redirect.Headers.Location!.OriginalString);

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/ui/css/app.css"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.True(head.Content.Headers.ContentLength > 0);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());

        using var post = await client.PostAsync("/ui/index.html", new StringContent(""));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public async Task Root_RedirectsToTheConsole()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = gateway.BaseAddress };
        using var root = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
        Assert.Equal("/ui/", root.Headers.Location!.OriginalString);
        Assert.Contains(root.Headers, h => h.Key == "Content-Security-Policy");
    }

    /// <summary>Every module the UI imports and every file the page links is embedded: no 404 in a browser.</summary>
    [Fact]
    public void EveryImportAndLink_IsEmbedded()
    {
        var assets = new UiAssets();
        Assert.True(assets.Count >= 5);
        var index = Text(assets, "index.html");
        foreach (Match link in LinkPattern().Matches(index))
        {
            Assert.NotNull(assets.Find(link.Groups[1].Value));
        }
        var pending = new Stack<string>(["js/app.js"]);
        var seen = new HashSet<string>();
        while (pending.TryPop(out var module))
        {
            if (!seen.Add(module))
            {
                continue;
            }
            var text = Text(assets, module);
            foreach (Match import in ImportPattern().Matches(text))
            {
                var target = new Uri(new Uri("http://ui/" + module), import.Groups[1].Value).AbsolutePath.TrimStart('/');
                Assert.True(assets.Find(target) is not null, $"{module} imports {target}, which is not embedded");
                pending.Push(target);
            }
        }
        // Every script shipped is part of the app (nothing stale left behind), and every page is reachable.
        Assert.Equal(assets.Paths.Where(p => p.EndsWith(".js", StringComparison.Ordinal)).Order(), seen.Order());
        Assert.Contains("js/pages/keys.js", seen);
        Assert.Contains("js/pages/usage.js", seen);
    }

    /// <summary>Data must never become markup: no HTML-parsing sinks and no eval anywhere in the UI's code.</summary>
    [Fact]
    public void Scripts_UseNoHtmlSinks_NorEval_NorInlineHandlers()
    {
        var assets = new UiAssets();
        var scripts = assets.Paths.Where(p => p.EndsWith(".js", StringComparison.Ordinal)).ToList();
        Assert.Contains("js/pages/keys.js", scripts);
        foreach (var path in scripts)
        {
            var text = Text(assets, path);
            Assert.DoesNotMatch(SinkPattern(), text);
        }
        Assert.DoesNotMatch(InlineScriptPattern(), Text(assets, "index.html"));
        Assert.DoesNotMatch(InlineHandlerPattern(), Text(assets, "index.html"));
    }

    private static string Text(UiAssets assets, string path) =>
        System.Text.Encoding.UTF8.GetString((assets.Find(path) ?? throw new InvalidOperationException($"{path} is not embedded")).Content);

    [GeneratedRegex("(?:href|src)=\"([^\"#:]+)\"")]
    private static partial Regex LinkPattern();

    [GeneratedRegex("""(?:import|from)\s*['"](\.{1,2}/[^'"]+)['"]""")]
    private static partial Regex ImportPattern();

    [GeneratedRegex(@"innerHTML|outerHTML\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(|setAttribute\(\s*['""]on|createContextualFragment")]
    private static partial Regex SinkPattern();

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScriptPattern();

    [GeneratedRegex(@"<[^>]+\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineHandlerPattern();
}
