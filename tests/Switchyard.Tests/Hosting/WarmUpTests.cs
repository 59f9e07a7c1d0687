using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Configuration;
using Switchyard.Hosting;
using Switchyard.MockUpstream;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Hosting;

/// <summary>
/// The warm-up before the gateway listens: it relays every kind of request it sends, and the real gateway sees none
/// of it — no ledger record, metric, request log line — and no folder of it is left behind.
/// </summary>
public sealed partial class WarmUpTests
{
    private static string[] WarmUpFolders() =>
        [.. Directory.GetDirectories(Path.GetTempPath(), "switchyard-warm-up-*").Order(StringComparer.Ordinal)];

    [Fact]
    public async Task RelaysOnLoopback_AndRemovesItsThrowawayDatabase()
    {
        var before = WarmUpFolders();

        var outcome = await WarmUp.RunAsync(TimeSpan.FromSeconds(1), default);

        Assert.Null(outcome.Error);
        Assert.Equal(0, outcome.Failed);
        // Every kind of request on every connection at least once, however busy the machine.
        Assert.True(outcome.Answered >= WarmUp.Connections * WarmUp.RequestKinds, $"{outcome.Answered} requests answered");
        Assert.Equal(before, WarmUpFolders());
    }

    [Fact]
    public async Task EndsAfterAPassThatLeftNothingToCompile_BeforeItsLimit()
    {
        // A runtime that compiles nothing more: the first pass never counts (it compiles everything), the second ends it.
        var outcome = await WarmUp.RunAsync(TimeSpan.FromSeconds(60), default, compiledMethods: () => 1000);

        Assert.Null(outcome.Error);
        Assert.Equal((2, true), (outcome.Passes, outcome.Settled));
        Assert.True(outcome.Took < TimeSpan.FromSeconds(30), $"took {outcome.Took}");
        Assert.Equal(2L * WarmUp.Connections * WarmUp.PassRequests, outcome.Answered + outcome.Failed);
    }

    [Fact]
    public async Task StopsAtItsLimit_WhileTheRuntimeKeepsCompiling()
    {
        long count = 0;
        var outcome = await WarmUp.RunAsync(TimeSpan.FromSeconds(2), default, compiledMethods: () => Interlocked.Add(ref count, 1000));

        Assert.Null(outcome.Error);
        Assert.False(outcome.Settled);
        Assert.True(outcome.Passes >= 1);
        Assert.True(outcome.Took < TimeSpan.FromSeconds(20), $"took {outcome.Took}");
    }

    [Fact]
    public async Task Readyz_Answers503WarmingUp_UntilTheGatewayHasFinishedItsWarmUp()
    {
        await using var mock = await MockUpstreamServer.StartAsync(0, recordRequests: false);
        var folder = Directory.CreateTempSubdirectory("switchyard-warming-").FullName;
        var (clientKey, masterKey) = DemoConfig.NewSecrets();
        var demo = DemoConfig.Create(mock.BaseAddress, clientKey, masterKey);
        var config = ConfigValidator.Validate(demo with
        {
            Server = demo.Server with { Listen = "http://127.0.0.1:0" },
            Storage = demo.Storage with { Database = "sqlite:" + Path.Combine(folder, "ledger.db"), Journal = Path.Combine(folder, "journal") },
        });
        await using (var host = await SwitchyardHost.StartAsync(config))
        {
            using var client = new HttpClient { BaseAddress = host.Address };
            var startup = host.Services.GetRequiredService<StartupState>();
            Assert.False(startup.Warming);

            startup.BeginWarming();
            using (var warming = await client.GetAsync("/readyz"))
            {
                Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, warming.StatusCode);
                Assert.Contains("warming up", await warming.Content.ReadAsStringAsync());
            }
            // Serving is not refused meanwhile: only load balancers are told to wait.
            using (var health = await client.GetAsync("/healthz"))
            {
                Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
            }
            startup.EndWarming();
            using var ready = await client.GetAsync("/readyz");
            Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        }
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Zero_SkipsIt()
    {
        var outcome = await WarmUp.RunAsync(TimeSpan.Zero, default);

        Assert.Equal((0L, 0L, (string?)null), (outcome.Answered, outcome.Failed, outcome.Error));
    }

    [GeneratedRegex("""^switchyard_requests_total\{[^}]*\} (\d+)""", RegexOptions.Multiline)]
    private static partial Regex RequestsTotal();

    [Fact]
    public async Task TheRealGateway_AfterAWarmUp_CountsOnlyItsOwnRequests()
    {
        await using var mock = await MockUpstreamServer.StartAsync(0, recordRequests: false);
        var folder = Directory.CreateTempSubdirectory("switchyard-warmup-process-").FullName;
        var config = Path.Combine(folder, "switchyard.yaml");
        var database = Path.Combine(folder, "ledger.db");
        await File.WriteAllTextAsync(config, $$"""
            server: { warm_up: 1s, shutdown_delay: 0s }
            storage: { database: "sqlite:{{database}}", journal: "{{Path.Combine(folder, "journal")}}" }
            channels:
              - { name: mock, type: openai, base_url: "{{new Uri(mock.BaseAddress, "v1")}}", keys: [k], models: [gpt-4o] }
            groups: [{ name: team }]
            keys: [{ name: app, secret: sk-sy-warmuptestkey0123456789abcdefghijklmnopq, group: team }]
            health_checks: { interval: 0s }
            """);

        await using (var gateway = await GatewayProcess.StartAsync(config, folder))
        {
            for (var i = 0; i < 2; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
                {
                    Content = new StringContent("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new("Bearer", "sk-sy-warmuptestkey0123456789abcdefghijklmnopq");
                using var response = await gateway.Client.SendAsync(request);
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            }
            var metrics = await gateway.Client.GetStringAsync("/metrics");
            await gateway.TerminateAsync();
            Assert.True(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60)));

            Assert.Equal(2, RequestsTotal().Matches(metrics).Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
            var log = gateway.Output;
            Assert.Matches(@"Warm-up: \d+ requests relayed on loopback \(0 failed\) in \d+ passes", log);
            Assert.Equal(2, log.Split('\n').Count(line => line.Contains("\"event_id\":1000,", StringComparison.Ordinal)));
        }
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM usage_records";
        Assert.Equal(2L, (long)(await count.ExecuteScalarAsync())!);
        Directory.Delete(folder, recursive: true);
    }
}
