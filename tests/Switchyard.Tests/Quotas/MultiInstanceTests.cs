using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Switchyard.Configuration;
using Switchyard.MockUpstream;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Quotas;

/// <summary>
/// Three gateway processes sharing one PostgreSQL and one Redis, as a scaled-out deployment runs: limits hold
/// across them exactly, and they start together without tripping over each other's migrations.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class MultiInstanceTests : IAsyncLifetime
{
    private const string Key = "sk-sy-multi-instance-key-000000000001";
    private readonly List<Process> _gateways = [];
    private MockUpstreamServer _mock = null!;

    public async Task InitializeAsync() => _mock = await MockUpstreamServer.StartAsync(0, recordRequests: false);

    public async Task DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            if (!gateway.HasExited)
            {
                gateway.Kill(entireProcessTree: true);
                await gateway.WaitForExitAsync();
            }
            gateway.Dispose();
        }
        await _mock.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<List<HttpClient>> StartGatewaysAsync(string database, string limits)
    {
        var redis = Environment.GetEnvironmentVariable("SWITCHYARD_TEST_REDIS")
            ?? throw new InvalidOperationException("SWITCHYARD_TEST_REDIS is not set: run the tests with scripts/test.");
        var folder = Directory.CreateTempSubdirectory("switchyard-multi-").FullName;
        var group = "multi-" + Guid.NewGuid().ToString("N")[..8];
        var config = Path.Combine(folder, "switchyard.yaml");
        await File.WriteAllTextAsync(config, $$"""
            storage: { database: "{{database}}", redis: "{{redis}}", journal: "{{folder}}/journal" }
            channels:
              - { name: mock, type: openai, base_url: "{{new Uri(_mock.BaseAddress, "v1")}}", keys: [k], models: [gpt-4o] }
            models:
              - { name: gpt-4o, price: { input: 2.50, output: 10.00 } }
            groups: [{ name: {{group}}, limits: {{limits}} }]
            keys: [{ name: app, secret: {{Key}}, group: {{group}} }]
            health_checks: { interval: 0s }
            """);
        var clients = new List<HttpClient>();
        for (var i = 0; i < 3; i++)
        {
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Switchyard.dll"), "--config", config, "--listen", $"http://127.0.0.1:{port}" },
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _gateways.Add(process);
            clients.Add(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) });
        }
        foreach (var client in clients)
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    using var ready = await client.GetAsync("/readyz");
                    if (ready.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException) when (attempt < 300)
                {
                }
                Assert.True(attempt < 300, "a gateway process did not become ready");
                await Task.Delay(100);
            }
        }
        return clients;
    }

    private static async Task<HttpStatusCode> ChatAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o","max_tokens":5,"messages":[{"role":"user","content":"four words right here"}]}""",
                System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", Key);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task ThreeInstances_ShareTheGroupRpmAndDollarBudgetExactly()
    {
        var database = await TestDatabases.CreateAsync(DatabaseKind.Postgres);
        // rpm 12 across all three; the dollar budget fits about 5 real calls (0.0000675 USD each) but refuses a
        // reservation (about 0.00011 USD) that would pass it.
        var clients = await StartGatewaysAsync(database, "{ rpm: 12, usd_total: 0.00045 }");

        var statuses = await Task.WhenAll(Enumerable.Range(0, 36).Select(i => ChatAsync(clients[i % 3])));

        var admitted = statuses.Count(s => s == HttpStatusCode.OK);
        Assert.Equal(36, admitted + statuses.Count(s => s == (HttpStatusCode)429));
        Assert.InRange(admitted, 1, 12);
        DatabaseLocation.TryParse(database, out var location, out _);
        var report = new UsageReport(SqlDialect.For(location!));
        decimal spent = 0;
        for (var wait = 0; wait < 100; wait++)
        {
            var rows = await report.QueryAsync(UsageGrouping.Key, null, null, default);
            // Only the admitted requests are usage: the refused ones never reached an upstream.
            if (rows.Sum(r => r.Requests) == admitted)
            {
                spent = rows.Sum(r => r.CostUsd);
                break;
            }
            await Task.Delay(100);
        }
        Assert.Equal(admitted * 0.0000675m, spent);
        Assert.True(spent <= 0.00045m, $"spent {spent} of a 0.00045 budget");
    }

    [Fact]
    public async Task ThreeInstances_AdmitExactlyTheGroupRpm()
    {
        var clients = await StartGatewaysAsync(await TestDatabases.CreateAsync(DatabaseKind.Postgres), "{ rpm: 10 }");

        var statuses = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => ChatAsync(clients[i % 3])));

        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(20, statuses.Count(s => s == (HttpStatusCode)429));
    }
}
