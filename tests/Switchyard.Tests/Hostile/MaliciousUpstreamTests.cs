using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Switchyard.Billing;
using Switchyard.Configuration;
using Switchyard.Tests.Integration;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Hostile;

/// <summary>
/// An upstream that misbehaves on purpose or by accident: echoes the gateway's credentials in its errors, answers with
/// a body too large to hold, lies about its length, sends broken JSON or garbage frames, or streams faster than a
/// stalled client reads. Every case must end in the caller's own protocol, bounded in time and memory, recorded.
/// </summary>
public sealed class MaliciousUpstreamTests : IAsyncLifetime
{
    private const string HeaderSecret = "hdr-secret-9f8e7d6c5b4a39281706";
    private const int MaxUpstreamBody = 1024 * 1024;

    /// <summary>Every upstream credential the gateway holds: none may ever reach a client.</summary>
    private static readonly string[] Secrets = ["mock-upstream-key", "anthropic-upstream-key", "responses-upstream-key", GeminiChannel.UpstreamKey, HeaderSecret];

    // A gateway per test: an upstream failing on purpose opens its channel's circuit, which must not leak into the next case.
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(customize: Configure);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    /// <summary>Native and converted channels for every client protocol, each sending a credential header of its own.</summary>
    internal static GatewayConfig Configure(GatewayConfig config)
    {
        config = GeminiChannel.Add(ResponsesTests.WithResponsesChannel(config));
        return config with
        {
            Server = config.Server with { MaxUpstreamBodyBytes = MaxUpstreamBody },
            Channels = [.. config.Channels.Select(c => c with { Headers = new Dictionary<string, string> { ["X-Org-Token"] = HeaderSecret } })],
            Router = config.Router with { StreamIdleTimeout = TimeSpan.FromSeconds(2) },
        };
    }

    public enum Shape
    {
        OpenAi,
        Anthropic,
        Gemini,
    }

    /// <summary>One client protocol on one kind of channel.</summary>
    public sealed record Route(string Name, string Path, string StreamPath, Shape Shape, Func<string, bool, string> Body)
    {
        public override string ToString() => Name;
    }

    private static string Chat(string model, string text, bool stream) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["model"] = model, ["stream"] = stream, ["messages"] = new[] { new { role = "user", content = text } } });

    private static string Responses(string model, string text, bool stream) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["model"] = model, ["stream"] = stream, ["input"] = text });

    private static string Messages(string model, string text, bool stream) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["model"] = model, ["stream"] = stream, ["max_tokens"] = 200, ["messages"] = new[] { new { role = "user", content = text } } });

    private static string Gemini(string text, bool stream) =>
        JsonSerializer.Serialize(new { contents = new[] { new { role = "user", parts = new[] { new { text } } } } });

    private static readonly Route[] AllRoutes =
    [
        new("chat-native", "/v1/chat/completions", "/v1/chat/completions", Shape.OpenAi, (t, s) => Chat("gpt-4o", t, s)),
        new("chat-converted", "/v1/chat/completions", "/v1/chat/completions", Shape.OpenAi, (t, s) => Chat("claude-sonnet-4-5", t, s)),
        new("responses-native", "/v1/responses", "/v1/responses", Shape.OpenAi, (t, s) => Responses("o4-mini", t, s)),
        new("responses-converted", "/v1/responses", "/v1/responses", Shape.OpenAi, (t, s) => Responses("claude-sonnet-4-5", t, s)),
        new("messages-native", "/v1/messages", "/v1/messages", Shape.Anthropic, (t, s) => Messages("claude-sonnet-4-5", t, s)),
        new("messages-converted", "/v1/messages", "/v1/messages", Shape.Anthropic, (t, s) => Messages("gpt-4o", t, s)),
        new("gemini-native", $"/v1beta/models/{GeminiChannel.Flash}:generateContent", $"/v1beta/models/{GeminiChannel.Flash}:streamGenerateContent?alt=sse", Shape.Gemini, Gemini),
        new("gemini-converted", "/v1beta/models/gpt-4o:generateContent", "/v1beta/models/gpt-4o:streamGenerateContent?alt=sse", Shape.Gemini, Gemini),
    ];

    public static readonly TheoryData<Route> Routes = new(AllRoutes);

    public static readonly TheoryData<Route, int> RoutesAndStatuses = Cross();

    private static TheoryData<Route, int> Cross()
    {
        var data = new TheoryData<Route, int>();
        foreach (var route in AllRoutes)
        {
            data.Add(route, 400);
            data.Add(route, 500);
        }
        return data;
    }

    private GatewayHarness Harness => _gateway;

    private static HttpRequestMessage Request(Route route, string text, bool stream = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, stream ? route.StreamPath : route.Path)
        {
            Content = new StringContent(route.Body(text, stream), Encoding.UTF8, "application/json"),
        };
        switch (route.Shape)
        {
            case Shape.Anthropic:
                request.Headers.TryAddWithoutValidation("x-api-key", GatewayHarness.ClientKey);
                request.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
                break;
            case Shape.Gemini:
                request.Headers.TryAddWithoutValidation("x-goog-api-key", GatewayHarness.ClientKey);
                break;
            default:
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", GatewayHarness.ClientKey);
                break;
        }
        return request;
    }

    private async Task<(HttpStatusCode Status, string Body, string RequestId)> SendAsync(Route route, string text, bool stream = false)
    {
        using var response = await Harness.Http.SendAsync(Request(route, text, stream));
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body, response.Headers.GetValues("x-request-id").Single());
    }

    private async Task<UsageRecord> RecordAsync(string requestId)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if ((await Harness.LedgerAsync()).FirstOrDefault(r => r.RequestId == requestId) is { } record)
            {
                return record;
            }
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"No ledger record for {requestId}.");
    }

    /// <summary>The body is one error in the caller's own shape (valid JSON), and its text is returned decoded.</summary>
    private static string AssertErrorShape(Shape shape, string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        switch (shape)
        {
            case Shape.Anthropic:
                Assert.Equal("error", root.GetProperty("type").GetString());
                Assert.Equal(JsonValueKind.String, root.GetProperty("error").GetProperty("type").ValueKind);
                break;
            case Shape.Gemini:
                Assert.Equal(JsonValueKind.Number, root.GetProperty("error").GetProperty("code").ValueKind);
                break;
            default:
                Assert.Equal(JsonValueKind.String, root.GetProperty("error").GetProperty("message").ValueKind);
                break;
        }
        return DecodedText(root);
    }

    private static string DecodedText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => string.Join(' ', element.EnumerateObject().Select(p => p.Name + " " + DecodedText(p.Value))),
        JsonValueKind.Array => string.Join(' ', element.EnumerateArray().Select(DecodedText)),
        JsonValueKind.String => element.GetString()!,
        _ => element.GetRawText(),
    };

    private static void AssertNoSecret(string text)
    {
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(RoutesAndStatuses))]
    public async Task UpstreamError_EchoingCredentials_ReachesClientRedacted(Route route, int status)
    {
        var (answered, body, _) = await SendAsync(route, $"hi [mock:status={status}] [mock:echo_headers]");

        Assert.True((int)answered >= 400, $"{route}: {answered}");
        AssertNoSecret(body);
        AssertNoSecret(AssertErrorShape(route.Shape, body));
    }

    /// <summary>The routes served by the Anthropic channel, whose mock can fail a stream with an error event.</summary>
    public static readonly TheoryData<Route> AnthropicChannelRoutes = new(
    [
        .. AllRoutes.Where(r => r.Name is "messages-native" or "chat-converted" or "responses-converted"),
        new("gemini-on-anthropic", "/v1beta/models/claude-sonnet-4-5:generateContent", "/v1beta/models/claude-sonnet-4-5:streamGenerateContent?alt=sse", Shape.Gemini, Gemini),
    ]);

    [Theory]
    [MemberData(nameof(AnthropicChannelRoutes))]
    public async Task StreamReply_UpstreamErrorEventEchoingCredentials_ReachesClientRedacted(Route route)
    {
        var (answered, body, _) = await SendAsync(route, "hi there [mock:stream_error=overloaded_error] [mock:echo_headers]", stream: true);

        Assert.Equal(HttpStatusCode.OK, answered);
        Assert.True(body.Contains("error", StringComparison.OrdinalIgnoreCase), $"{route}: no error event in {body}");
        AssertNoSecret(body);
        AssertNoSecret(Regex.Unescape(body));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task UpstreamError_Oversized_IsCappedAndRedacted(Route route)
    {
        var (answered, body, _) = await SendAsync(route, "hi [mock:status=400] [mock:echo_headers] [mock:error_pad=200000]");

        Assert.True((int)answered >= 400, $"{route}: {answered}");
        Assert.True(Encoding.UTF8.GetByteCount(body) <= 17 * 1024, $"{route}: {body.Length} characters relayed");
        AssertNoSecret(body);
        AssertNoSecret(AssertErrorShape(route.Shape, body));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task NonStreamReply_LargerThanLimit_Is502WithFlatMemory(Route route)
    {
        var allocated = GC.GetTotalAllocatedBytes();
        var clock = Stopwatch.StartNew();

        var (answered, body, requestId) = await SendAsync(route, "hi [mock:body_bytes=200000000]");

        Assert.Equal(HttpStatusCode.BadGateway, answered);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Contains("max_upstream_body_bytes", AssertErrorShape(route.Shape, body));
        // 200 MB came from the upstream; reading stops at the 1 MiB limit (allowance for the rest of the process).
        var grown = GC.GetTotalAllocatedBytes() - allocated;
        Assert.True(grown < 64L * 1024 * 1024, $"{grown} bytes allocated while relaying");
        var record = await RecordAsync(requestId);
        Assert.Equal((502, "upstream_body_too_large"), (record.Status, record.ErrorKind));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task NonStreamReply_AnnouncingLargerContentLength_IsRefusedBeforeReading(Route route)
    {
        var clock = Stopwatch.StartNew();

        // The mock announces 100 MB, sends a small body and then never ends: only a refusal on the header is fast.
        var (answered, body, requestId) = await SendAsync(route, "hi [mock:content_length=100000000]");

        Assert.Equal(HttpStatusCode.BadGateway, answered);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        AssertErrorShape(route.Shape, body);
        Assert.Equal("upstream_body_too_large", (await RecordAsync(requestId)).ErrorKind);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task NonStreamReply_TruncatedJson_Is502MalformedWithEstimate(Route route)
    {
        var (answered, body, requestId) = await SendAsync(route, "hi [mock:malformed]");

        Assert.Equal(HttpStatusCode.BadGateway, answered);
        AssertErrorShape(route.Shape, body);
        var record = await RecordAsync(requestId);
        Assert.Equal((502, "upstream_malformed"), (record.Status, record.ErrorKind));
        Assert.True(record.UsageEstimated);
        Assert.True(record.EstimatedUsage.Input > 0);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task NonStreamReply_CutShort_Is502(Route route)
    {
        var (answered, body, requestId) = await SendAsync(route, "hi [mock:cut_after=20]");

        Assert.Equal(HttpStatusCode.BadGateway, answered);
        AssertErrorShape(route.Shape, body);
        var record = await RecordAsync(requestId);
        Assert.Equal((502, "upstream_stream_broken"), (record.Status, record.ErrorKind));
        Assert.True(record.UsageEstimated);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task StreamReply_GarbageFrame_EndsWithErrorEventRecordedMalformed(Route route)
    {
        var (answered, body, requestId) = await SendAsync(route, "hi there friend [mock:malformed]", stream: true);

        Assert.Equal(HttpStatusCode.OK, answered);
        Assert.DoesNotContain("mock garbage", body);
        Assert.Contains("upstream", body);
        Assert.Contains("error", body);
        var record = await RecordAsync(requestId);
        Assert.Equal("upstream_malformed", record.ErrorKind);
        // Billed from what the stream reported before the garbage (Anthropic's and Gemini's first events carry the
        // input count), else from the gateway's estimate.
        Assert.True(record.UsageEstimated ? record.EstimatedUsage.Input > 0 : record.Usage.Input > 0, $"{route}: nothing billed");
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task StreamReply_EventLargerThanLimit_EndsWithErrorEventRecorded(Route route)
    {
        // Each event carries 2 MiB of SSE comment: no single frame may grow the gateway's buffer past the 1 MiB limit.
        var (answered, body, requestId) = await SendAsync(route, "hi there [mock:event_pad=2097152]", stream: true);

        Assert.Equal(HttpStatusCode.OK, answered);
        Assert.True(body.Length < MaxUpstreamBody, $"{route}: {body.Length} characters relayed");
        Assert.Contains("max_upstream_body_bytes", body);
        Assert.Equal("upstream_body_too_large", (await RecordAsync(requestId)).ErrorKind);
    }

    [Fact]
    public async Task StreamReply_ClientStopsReading_IsCutByIdleTimeoutAndRecorded()
    {
        var gateway = _gateway;
        var words = string.Join(' ', Enumerable.Repeat("w", 4000));
        var json = Chat("gpt-4o", $"[mock:event_pad=16384] [mock:reply={words}]", stream: true);
        var address = gateway.BaseAddress;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(address.Host, address.Port);
        var head = $"POST /v1/chat/completions HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: Bearer {GatewayHarness.ClientKey}\r\n"
            + $"Content-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\n\r\n{json}";
        await socket.SendAsync(Encoding.UTF8.GetBytes(head));
        var clock = Stopwatch.StartNew();

        // The client never reads a byte: the gateway's writes block once the socket buffers are full.
        UsageRecord? record = null;
        while (record is null && clock.Elapsed < TimeSpan.FromSeconds(25))
        {
            var records = await gateway.LedgerAsync();
            record = records.Count > 0 ? records[0] : null;
            if (record is null)
            {
                await Task.Delay(100);
            }
        }

        Assert.NotNull(record);
        Assert.Equal("client_stalled", record.ErrorKind);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"cut after {clock.Elapsed}");
        Assert.True(record.UsageEstimated);
    }
}
