using System.Diagnostics;
using System.Net;
using Switchyard.Configuration;
using Switchyard.MockUpstream;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Hosting;

/// <summary>
/// A real gateway process stopped with SIGTERM, as an orchestrator stops it in a rolling restart: it reports not
/// ready but keeps serving for the delay, then lets a stream in flight finish, writes every usage record and exits 0.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class GracefulShutdownTests : IAsyncLifetime
{
    private const string Key = "sk-sy-graceful-shutdown-key-00000000001";
    private MockUpstreamServer _mock = null!;
    private GatewayProcess? _gateway;

    public async Task InitializeAsync() => _mock = await MockUpstreamServer.StartAsync(0, recordRequests: false);

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
        await _mock.DisposeAsync();
    }

    private async Task<(GatewayProcess Gateway, string Database)> StartGatewayAsync(string delay, string grace)
    {
        var folder = Directory.CreateTempSubdirectory("switchyard-shutdown-").FullName;
        var database = $"sqlite:{folder}/switchyard.db";
        var config = Path.Combine(folder, "switchyard.yaml");
        await File.WriteAllTextAsync(config, $$"""
            server: { shutdown_delay: {{delay}}, shutdown_grace: {{grace}} }
            storage: { database: "{{database}}", journal: "{{folder}}/journal" }
            channels:
              - { name: mock, type: openai, base_url: "{{new Uri(_mock.BaseAddress, "v1")}}", keys: [k], models: [gpt-4o] }
            groups: [{ name: shutdown }]
            keys: [{ name: app, secret: {{Key}}, group: shutdown }]
            health_checks: { interval: 0s }
            """);
        _gateway = await GatewayProcess.StartAsync(config, folder);
        return (_gateway, database);
    }

    private static HttpRequestMessage Chat(bool stream, string directives = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $$"""{"model":"gpt-4o","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hello there {{directives}}"}]}""",
                System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", Key);
        return request;
    }

    private static async Task<long> LedgerCountAsync(string database)
    {
        DatabaseLocation.TryParse(database, out var location, out _);
        var rows = await new UsageReport(SqlDialect.For(location!)).QueryAsync(UsageGrouping.Key, null, null, default);
        return rows.Sum(r => r.Requests);
    }

    [Fact]
    public async Task SigTerm_ReportsNotReadyServesThroughTheDelayFinishesTheStreamAndLedgersEveryRequest()
    {
        var (gateway, database) = await StartGatewayAsync("2s", "20s");
        var client = gateway.Client;
        using var warm = await client.SendAsync(Chat(stream: false));
        Assert.Equal(HttpStatusCode.OK, warm.StatusCode);

        // A stream of about 4 s: it is still running when the delay ends and Kestrel stops accepting.
        using var streamResponse = await client.SendAsync(Chat(stream: true, "[mock:chunk_delay_ms=500]"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, streamResponse.StatusCode);
        var streamBody = streamResponse.Content.ReadAsStringAsync();

        await gateway.TerminateAsync();
        var stopping = Stopwatch.StartNew();
        await Task.Delay(300);
        using (var notReady = await client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            Assert.Contains("shutting down", await notReady.Content.ReadAsStringAsync());
        }
        // Inside the delay a new request is still answered: the load balancer may not have noticed yet.
        using (var late = await client.SendAsync(Chat(stream: false)))
        {
            Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        }
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(2), "the checks inside the delay took too long to prove anything");

        var body = await streamBody;
        Assert.Contains("data: [DONE]", body);
        Assert.True(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the gateway did not exit");
        Assert.Equal(0, gateway.ExitCode);
        Assert.True(stopping.Elapsed >= TimeSpan.FromSeconds(2), $"exited after {stopping.Elapsed}, before the 2 s delay ended");
        // The drain runs once, although the host is stopped twice (after WaitForShutdownAsync and when disposed).
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(gateway.Output, "Shutting down: /readyz answers 503"));

        // After exit the listener is gone, and the ledger holds all three requests: nothing waited in memory.
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/healthz"));
        Assert.Equal(3, await LedgerCountAsync(database));
    }

    [Fact]
    public async Task SigTerm_AStreamLongerThanTheGraceIsCutAndStillLedgered()
    {
        var (gateway, database) = await StartGatewayAsync("0s", "1s");
        var client = gateway.Client;
        using var streamResponse = await client.SendAsync(Chat(stream: true, "[mock:chunk_delay_ms=2000]"), HttpCompletionOption.ResponseHeadersRead);
        var streamBody = streamResponse.Content.ReadAsStringAsync();

        await gateway.TerminateAsync();
        Assert.True(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the gateway did not exit after its grace");
        Assert.Equal(0, gateway.ExitCode);
        var body = await Record.ExceptionAsync(() => streamBody) is null ? await streamBody : "";
        Assert.DoesNotContain("data: [DONE]", body);
        Assert.Equal(1, await LedgerCountAsync(database));
    }
}
