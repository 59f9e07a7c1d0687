using System.Net.Sockets;
using System.Text;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>
/// A client that closes its connection as soon as it has read a stream's final event (Codex does after
/// response.completed) while the upstream has not yet ended its response: the request completed, and is recorded 200.
/// </summary>
public sealed class ClientClosesAfterEndTests : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(customize: GeminiChannel.Add);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    // The upstream holds its response open for 10 s after the last event: the client has closed long before.
    private const string Linger = "[mock:linger_ms=10000]";

    private static string Credential(string path) =>
        path.StartsWith("/v1beta/", StringComparison.Ordinal) ? $"x-goog-api-key: {GatewayHarness.ClientKey}" : $"Authorization: Bearer {GatewayHarness.ClientKey}";

    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi LINGER"}]}""", "data: [DONE]\n\n")]
    [InlineData("/v1/chat/completions", """{"model":"claude-sonnet-4-5","stream":true,"messages":[{"role":"user","content":"Hi LINGER"}]}""", "data: [DONE]\n\n")]
    [InlineData("/v1/responses", """{"model":"claude-sonnet-4-5","stream":true,"store":false,"input":"Hi LINGER"}""", "event: response.completed\n")]
    [InlineData("/v1/messages", """{"model":"gpt-4o","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Hi LINGER"}]}""", "event: message_stop\n")]
    [InlineData("/v1/messages", """{"model":"claude-sonnet-4-5","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Hi LINGER"}]}""", "event: message_stop\n")]
    [InlineData("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", """{"contents":[{"role":"user","parts":[{"text":"Hi LINGER"}]}]}""", "\"finishReason\"")]
    [InlineData("/v1beta/models/gpt-4o:streamGenerateContent?alt=sse", """{"contents":[{"role":"user","parts":[{"text":"Hi LINGER"}]}]}""", "\"finishReason\"")]
    public async Task Stream_ClientClosesRightAfterFinalEvent_Recorded200(string path, string body, string finalEvent)
    {
        // A raw connection, so that closing it really closes it (HttpClient would drain the response to reuse it).
        var address = _gateway.BaseAddress;
        var json = Encoding.UTF8.GetBytes(body.Replace("LINGER", Linger, StringComparison.Ordinal));
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(address.Host, address.Port);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"POST {path} HTTP/1.1\r\nHost: {address.Authority}\r\n{Credential(path)}\r\n"
                + $"Content-Type: application/json\r\nContent-Length: {json.Length}\r\n\r\n"));
            await stream.WriteAsync(json);
            var seen = new StringBuilder();
            var buffer = new byte[4096];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(8));
            while (!seen.ToString().Contains(finalEvent, StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                Assert.True(read > 0, $"the stream ended before its final event: {seen}");
                seen.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
            Assert.StartsWith("HTTP/1.1 200", seen.ToString());
        }

        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal((200, null), (record.Status, record.ErrorKind));
        Assert.True(record.Usage.Output > 0);
        Assert.True(record.LatencyMs < 9000, $"the request should end when the client leaves, not when the upstream does ({record.LatencyMs} ms)");
    }
}
