using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Hostile;

/// <summary>
/// One tenant against the others on a shared channel: input the upstream cannot take never reaches it, and one
/// group's failing requests cannot switch a channel key off for another group.
/// </summary>
public sealed class TenantSharingChannelTests : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    /// <summary>Every client path, with a body template where {TEXT} is the user's text and {MODEL} the model.</summary>
    public static TheoryData<string, string> Paths => new()
    {
        { "/v1/chat/completions", """{"model":"{MODEL}","messages":[{"role":"user","content":"{TEXT}"}]}""" },
        { "/v1/messages", """{"model":"{MODEL}","max_tokens":16,"messages":[{"role":"user","content":"{TEXT}"}]}""" },
        { "/v1/messages#native", """{"model":"claude-sonnet-4-5","max_tokens":16,"messages":[{"role":"user","content":"{TEXT}"}]}""" },
        { "/v1/responses", """{"model":"{MODEL}","input":"{TEXT}"}""" },
        { "/v1beta/models/{MODEL}:generateContent", """{"contents":[{"role":"user","parts":[{"text":"{TEXT}"}]}]}""" },
    };

    private static byte[] Body(string template, string model, byte[] text)
    {
        var parts = template.Replace("{MODEL}", model, StringComparison.Ordinal).Split("{TEXT}");
        return [.. Encoding.UTF8.GetBytes(parts[0]), .. text, .. Encoding.UTF8.GetBytes(parts[1])];
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, byte[] body, string key = GatewayHarness.ClientKey, string model = "gpt-4o")
    {
        path = path.Replace("#native", "", StringComparison.Ordinal).Replace("{MODEL}", model, StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var response = await _gateway.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task InvalidUtf8_OnEveryClientPath_Is400AndNeverReachesTheUpstream(string path, string template)
    {
        var (status, body) = await PostAsync(path, Body(template, "gpt-4o", [(byte)'h', 0xFF, 0xFE, (byte)'i']));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("UTF-8", body.GetProperty("error").GetProperty("message").GetString());
        Assert.Empty(_gateway.Mock.Requests);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task LoneSurrogateEscape_OnEveryClientPath_Is400AndNeverReachesTheUpstream(string path, string template)
    {
        var (status, body) = await PostAsync(path, Body(template, "gpt-4o", "bad \\uD800 here"u8.ToArray()));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("surrogate", body.GetProperty("error").GetProperty("message").GetString());
        Assert.Empty(_gateway.Mock.Requests);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task PairedSurrogatesAndEscapedBackslash_OnEveryClientPath_AreServed(string path, string template)
    {
        // An emoji as a surrogate pair, and "\\uD800" that is a backslash followed by text, not an escape.
        var (status, _) = await PostAsync(path, Body(template, "gpt-4o", "smile \\uD83D\\uDE00 and \\\\uD800"u8.ToArray()));

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task HugeModelName_OnEveryClientPath_Is400AndNotStored(string path, string template)
    {
        if (path.EndsWith("#native", StringComparison.Ordinal))
        {
            return; // the native Anthropic row names its model itself
        }
        var model = new string('m', 257);

        var (status, body) = await PostAsync(path, Body(template, model, "hi"u8.ToArray()), model: model);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("256", body.GetProperty("error").GetProperty("message").GetString());
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Null(record.RequestedModel);
    }

    [Fact]
    public async Task ModelNameAtTheBound_IsRoutedNormally()
    {
        var (status, _) = await PostAsync("/v1/chat/completions", Body("""{"model":"{MODEL}","messages":[{"role":"user","content":"{TEXT}"}]}""", new string('m', 256), "hi"u8.ToArray()));

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> ChatAsync(string key, string text) =>
        PostAsync("/v1/chat/completions", Encoding.UTF8.GetBytes($$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"{{text}}"}]}"""), key);

    [Fact]
    public async Task OneGroupsFailingRequests_WhileAnotherGroupSucceeds_DoNotOpenTheSharedKey()
    {
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(GatewayHarness.ClientKey, "hello")).Status);

        // allowed_fails is 3: the attacker's requests alone would be enough to open the key's breaker.
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(HttpStatusCode.InternalServerError, (await ChatAsync(GatewayHarness.NarrowKey, "[mock:status=500]")).Status);
        }

        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(GatewayHarness.ClientKey, "hello")).Status);
    }

    [Fact]
    public async Task FailingUpstream_OnlyCaller_OpensTheBreakerAsBefore()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.InternalServerError, (await ChatAsync(GatewayHarness.NarrowKey, "[mock:status=500]")).Status);
        }
        _gateway.Mock.ClearRequests();

        var (status, _) = await ChatAsync(GatewayHarness.NarrowKey, "hello");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Empty(_gateway.Mock.Requests);
    }

    [Fact]
    public async Task FailingUpstream_SeveralCallersFailing_OpensTheBreakerForEveryone()
    {
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(GatewayHarness.ClientKey, "hello")).Status);
        Assert.Equal(HttpStatusCode.InternalServerError, (await ChatAsync(GatewayHarness.NarrowKey, "[mock:status=500]")).Status);
        Assert.Equal(HttpStatusCode.InternalServerError, (await ChatAsync(GatewayHarness.ClientKey, "[mock:status=500]")).Status);
        Assert.Equal(HttpStatusCode.InternalServerError, (await ChatAsync(GatewayHarness.NarrowKey, "[mock:status=500]")).Status);
        _gateway.Mock.ClearRequests();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await ChatAsync(GatewayHarness.ClientKey, "hello")).Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await ChatAsync(GatewayHarness.NarrowKey, "hello")).Status);
        Assert.Empty(_gateway.Mock.Requests);
    }

    [Fact]
    public async Task SlowBody_OneBytePerSecond_Is408InTheCallersShapeLoggedAsInformation()
    {
        var log = new CapturingLoggerProvider();
        await using var gateway = await GatewayHarness.StartAsync(logging: builder => builder.AddProvider(log));
        // Kestrel's minimum body rate (240 bytes/s after a 5 s grace) is what gives up on the trickle.
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(gateway.BaseAddress.Host, gateway.BaseAddress.Port);
        var stream = client.GetStream();
        var head = $"POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer {GatewayHarness.ClientKey}\r\n" +
            "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var answer = new MemoryStream();
        var copy = stream.CopyToAsync(answer);
        while (!copy.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                await stream.WriteAsync("{"u8.ToArray());
            }
            catch (IOException)
            {
                break;
            }
            await Task.WhenAny(copy, Task.Delay(1000));
        }
        await copy.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);

        var text = Encoding.UTF8.GetString(answer.ToArray());
        Assert.StartsWith("HTTP/1.1 408", text, StringComparison.Ordinal);
        Assert.Contains("\"request_timeout\"", text, StringComparison.Ordinal);
        var record = Assert.Single(await gateway.LedgerAsync(1));
        Assert.Equal((408, "invalid_request"), (record.Status, record.ErrorKind));
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Information && e.Id == 2003);
        Assert.DoesNotContain(log.Entries, e => e.Level >= LogLevel.Error);
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider, ILogger
    {
        public System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, int Id)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) => Entries.Enqueue((logLevel, eventId.Id));

        public void Dispose()
        {
        }
    }
}
