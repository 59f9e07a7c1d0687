using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchyard.Configuration;
using Switchyard.Hosting;
using Switchyard.MockUpstream;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Hosting;

/// <summary>
/// <c>--role relay</c> serves the client APIs and no admin API, UI or scheduled job; <c>--role admin</c> the reverse;
/// each refuses the other's endpoints in the caller's own error format.
/// </summary>
public sealed class InstanceRoleTests
{
    private static readonly string[] Jobs = ["HealthChecker", "ReconciliationJob", "LedgerRetention", "AlertMonitor", "AlertDispatcher"];

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    private static string[] HostedServices(GatewayHarness gateway) =>
        [.. gateway.Host.Services.GetServices<IHostedService>().Select(s => s.GetType().Name)];

    [Fact]
    public async Task RelayRole_AdminApiAndUi_RefusedWhileClientApisServe()
    {
        await using var gateway = await GatewayHarness.StartAsync(role: InstanceRole.Relay);

        using (var chat = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""")))
        {
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        }
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/admin/usage"), (HttpMethod.Post, "/admin/session"), (HttpMethod.Get, "/admin/openapi.json") })
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Authorization = new("Bearer", GatewayHarness.MasterKey);
            using var response = await gateway.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var error = Json(await response.Content.ReadAsStringAsync()).GetProperty("error");
            Assert.Equal("not_found_error", error.GetProperty("type").GetString());
            Assert.Equal("wrong_instance_role", error.GetProperty("code").GetString());
            Assert.Contains("--role relay", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        using var ui = await gateway.Http.GetAsync("/ui/");
        Assert.Equal(HttpStatusCode.NotFound, ui.StatusCode);
        Assert.Contains("--role relay", await ui.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminRole_ClientApis_RefusedInEachCallersFormat()
    {
        await using var gateway = await GatewayHarness.StartAsync(role: InstanceRole.Admin);

        using (var chat = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""")))
        {
            Assert.Equal(HttpStatusCode.NotFound, chat.StatusCode);
            var error = Json(await chat.Content.ReadAsStringAsync()).GetProperty("error");
            Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
            Assert.Equal("wrong_instance_role", error.GetProperty("code").GetString());
            Assert.Contains("--role admin", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        foreach (var path in new[] { "/v1/embeddings", "/v1/responses" })
        {
            using var response = await gateway.Http.SendAsync(gateway.Post(path, """{"model":"gpt-4o","input":"hi"}"""));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("wrong_instance_role", Json(await response.Content.ReadAsStringAsync()).GetProperty("error").GetProperty("code").GetString());
        }
        using (var models = await gateway.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { { "Authorization", "Bearer " + GatewayHarness.ClientKey } } }))
        {
            Assert.Equal(HttpStatusCode.NotFound, models.StatusCode);
        }
        using (var messages = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = new StringContent("""{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"),
            Headers = { { "x-api-key", GatewayHarness.ClientKey }, { "anthropic-version", "2023-06-01" } },
        })
        using (var response = await gateway.Http.SendAsync(messages))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var body = Json(await response.Content.ReadAsStringAsync());
            Assert.Equal("error", body.GetProperty("type").GetString());
            Assert.Equal("not_found_error", body.GetProperty("error").GetProperty("type").GetString());
            Assert.Contains("--role admin", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        using (var gemini = new HttpRequestMessage(HttpMethod.Post, "/v1beta/models/gemini-2.5-flash:generateContent")
        {
            Content = new StringContent("""{"contents":[{"parts":[{"text":"hi"}]}]}""", System.Text.Encoding.UTF8, "application/json"),
            Headers = { { "x-goog-api-key", GatewayHarness.ClientKey } },
        })
        using (var response = await gateway.Http.SendAsync(gemini))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var error = Json(await response.Content.ReadAsStringAsync()).GetProperty("error");
            Assert.Equal(404, error.GetProperty("code").GetInt32());
            Assert.Equal("NOT_FOUND", error.GetProperty("status").GetString());
            Assert.Contains("--role admin", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        Assert.Empty(gateway.Mock.Requests);

        var usage = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/usage?group_by=model");
        Assert.True(usage.TryGetProperty("rows", out _));
        using var ui = await gateway.Http.GetAsync("/ui/");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
    }

    [Theory]
    [InlineData("relay")]
    [InlineData("admin")]
    [InlineData("all")]
    public async Task Role_RunsOnlyItsBackgroundJobs(string word)
    {
        var role = InstanceRoles.Parse(word)!.Value;
        await using var gateway = await GatewayHarness.StartAsync(role: role);

        var running = HostedServices(gateway);

        // Every role writes the ledger records of what it served, keeps its snapshot current and reads its key files.
        Assert.Contains("LedgerWriter", running);
        Assert.Contains("StateRefresher", running);
        Assert.Contains("SecretFileWatcher", running);
        foreach (var job in Jobs)
        {
            if (role == InstanceRole.Relay)
            {
                Assert.DoesNotContain(job, running);
            }
            else
            {
                Assert.Contains(job, running);
            }
        }
    }

    [Fact]
    public void Parse_Role_ReadsEachRoleAndRejectsOthers()
    {
        Assert.Equal(InstanceRole.All, CommandLine.Parse([], out _).Role);
        Assert.Equal(InstanceRole.Relay, CommandLine.Parse(["--role", "relay"], out _).Role);
        Assert.Equal(InstanceRole.Admin, CommandLine.Parse(["--role=admin"], out _).Role);
        CommandLine.Parse(["--role", "billing"], out var error);
        Assert.Equal("--role must be relay, admin or all, got 'billing'", error);
    }
}

/// <summary>A scaled-out deployment: three relay processes and one admin process on one PostgreSQL and one Redis.</summary>
[Collection(TimingCollection.Name)]
public sealed class InstanceRoleProcessTests : IAsyncLifetime
{
    private const string Key = "sk-sy-role-split-key-000000000000000001";
    private const string Master = "sk-sy-role-split-master-0000000000000001";
    private MockUpstreamServer _mock = null!;
    private readonly List<GatewayProcess> _gateways = [];

    public async Task InitializeAsync() => _mock = await MockUpstreamServer.StartAsync(0, recordRequests: false);

    public async Task DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }
        await _mock.DisposeAsync();
    }

    private static HttpRequestMessage Chat() => new(HttpMethod.Post, "/v1/chat/completions")
    {
        Content = new StringContent("""{"model":"gpt-4o","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"),
        Headers = { { "Authorization", "Bearer " + Key } },
    };

    private static HttpRequestMessage Usage() => new(HttpMethod.Get, "/admin/usage?group_by=key") { Headers = { { "Authorization", "Bearer " + Master } } };

    [Fact]
    public async Task ThreeRelaysAndOneAdmin_OnPostgresAndRedis_EachServesOnlyItsPart()
    {
        var database = await TestDatabases.CreateAsync(DatabaseKind.Postgres);
        var redis = Environment.GetEnvironmentVariable("SWITCHYARD_TEST_REDIS")
            ?? throw new InvalidOperationException("SWITCHYARD_TEST_REDIS is not set: run the tests with scripts/test.");
        var folder = Directory.CreateTempSubdirectory("switchyard-roles-").FullName;
        var config = Path.Combine(folder, "switchyard.yaml");
        await File.WriteAllTextAsync(config, $$"""
            storage: { database: "{{database}}", redis: "{{redis}}", journal: "{{folder}}/journal" }
            security: { master_key: {{Master}} }
            channels:
              - { name: mock, type: openai, base_url: "{{new Uri(_mock.BaseAddress, "v1")}}", keys: [k], models: [gpt-4o] }
            models:
              - { name: gpt-4o, price: { input: 2.50, output: 10.00 } }
            groups: [{ name: split, limits: { rpm: 9 } }]
            keys: [{ name: app, secret: {{Key}}, group: split }]
            health_checks: { interval: 1s }
            """);
        var admin = await GatewayProcess.StartAsync(config, folder, "--role", "admin");
        _gateways.Add(admin);
        var relays = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => GatewayProcess.StartAsync(config, folder, "--role", "relay")));
        _gateways.AddRange(relays);

        // The group's rpm is shared through Redis by the relays.
        var statuses = await Task.WhenAll(Enumerable.Range(0, 15).Select(async i =>
        {
            using var response = await relays[i % 3].Client.SendAsync(Chat());
            return response.StatusCode;
        }));
        Assert.Equal(9, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(6, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

        using (var refused = await admin.Client.SendAsync(Chat()))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }
        foreach (var relay in relays)
        {
            using var refused = await relay.Client.SendAsync(Usage());
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }

        // The relays' ledger writers record every request; the admin instance shows them all in the request log, and
        // reports as usage the 9 served (the 6 refused by the rpm limit never reached an upstream).
        var logged = 0;
        for (var wait = 0; wait < 100 && logged < 15; wait++)
        {
            using var log = await admin.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/admin/requests?limit=100") { Headers = { { "Authorization", "Bearer " + Master } } });
            Assert.Equal(HttpStatusCode.OK, log.StatusCode);
            logged = JsonDocument.Parse(await log.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetArrayLength();
            await Task.Delay(100);
        }
        Assert.Equal(15, logged);
        using (var usage = await admin.Client.SendAsync(Usage()))
        {
            Assert.Equal(HttpStatusCode.OK, usage.StatusCode);
            var requests = JsonDocument.Parse(await usage.Content.ReadAsStringAsync()).RootElement.GetProperty("rows").EnumerateArray()
                .Sum(r => r.GetProperty("requests").GetInt64());
            Assert.Equal(9, requests);
        }

        // Health checks are the admin instance's job: only it takes probe leases.
        DatabaseLocation.TryParse(database, out var location, out _);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var holders = new List<string>();
        await using (var connection = await SqlDialect.For(location!).OpenAsync(CancellationToken.None))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT holder FROM health_leases";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                holders.Add(reader.GetString(0));
            }
        }
        Assert.NotEmpty(holders);
        Assert.All(holders, h => Assert.Contains($":{admin.ProcessId}:", h, StringComparison.Ordinal));
    }
}
