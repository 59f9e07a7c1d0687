using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Configuration;
using Switchyard.MockUpstream;
using Switchyard.Providers;
using Switchyard.Resilience;
using Switchyard.Routing;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Resilience;

public sealed class HealthCheckerTests : IAsyncLifetime, IDisposable
{
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
    private UpstreamClient _upstream = null!;
    private MockUpstreamServer _mock = null!;

    public async Task InitializeAsync()
    {
        _upstream = new UpstreamClient();
        _mock = await MockUpstreamServer.StartAsync(0);
    }

    public async Task DisposeAsync() => await _mock.DisposeAsync();

    public void Dispose() => _upstream.Dispose();

    private GatewayConfig Config(bool gemini = false, bool anthropic = false) => new()
    {
        Channels = anthropic
        ?
        [
            new ChannelConfig
            {
                Name = "anthropic",
                Type = "anthropic",
                BaseUrl = new Uri(_mock.BaseAddress, "v1/").ToString(),
                Keys = ["sk-ant-good-key", "mock-invalid-key"],
                Models = ["claude-sonnet-4-5"],
            },
        ]
        : gemini
        ?
        [
            new ChannelConfig
            {
                Name = "gemini",
                Type = "gemini",
                BaseUrl = new Uri(_mock.BaseAddress, "v1beta/").ToString(),
                Keys = [GeminiChannel.UpstreamKey, "mock-invalid-key"],
                Models = [GeminiChannel.Flash],
            },
        ]
        :
        [
            new ChannelConfig
            {
                Name = "mock",
                Type = "openai",
                BaseUrl = new Uri(_mock.BaseAddress, "v1").ToString(),
                Keys = ["good-key", "mock-invalid-key"],
                Models = ["gpt-4o"],
            },
        ],
        Router = new RouterConfig { AllowedFails = 1, Cooldown = TimeSpan.FromMinutes(10) },
        HealthChecks = new HealthCheckConfig { Interval = TimeSpan.FromMinutes(1) },
    };

    private (GatewayRuntime Runtime, HealthChecker Checker) Instance(SqlDialect dialect, bool gemini = false, bool anthropic = false)
    {
        var runtime = new GatewayRuntime(Config(gemini, anthropic), _time);
        return (runtime, new HealthChecker(runtime, new HealthStore(dialect), _upstream, _time, NullLogger<HealthChecker>.Instance, new Switchyard.Telemetry.Metrics.GatewayMetrics(runtime.Config)));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task RunOnce_TwoInstances_ProbeEachKeyOnceAndShareResults(DatabaseKind kind)
    {
        var dialect = await TestDatabases.CreateMigratedAsync(kind);
        var a = Instance(dialect);
        var b = Instance(dialect);

        await a.Checker.RunOnceAsync(default);
        await b.Checker.RunOnceAsync(default);

        Assert.Equal(2, _mock.Requests.Count(r => r.Path == "/v1/models"));
        foreach (var runtime in new[] { a.Runtime, b.Runtime })
        {
            var keys = runtime.Catalog.Channels[0].Keys;
            Assert.True(keys[0].Health.LastProbe!.Ok);
            Assert.Equal(401, keys[1].Health.LastProbe!.Status);
            Assert.NotNull(keys[1].Health.DisabledReason);
        }

        // Next interval: the leases have expired and the keys are probed again, still once each.
        _time.Advance(TimeSpan.FromMinutes(1));
        await b.Checker.RunOnceAsync(default);
        await a.Checker.RunOnceAsync(default);
        Assert.Equal(4, _mock.Requests.Count(r => r.Path == "/v1/models"));
    }

    /// <summary>Google answers a wrong key with 400 API_KEY_INVALID, not 401: the key is disabled all the same, on both instances.</summary>
    [Fact]
    public async Task RunOnce_GeminiKeyInvalid_DisablesTheKeyOnEveryInstance()
    {
        var dialect = await TestDatabases.CreateMigratedAsync(DatabaseKind.Sqlite);
        var a = Instance(dialect, gemini: true);
        var b = Instance(dialect, gemini: true);

        await a.Checker.RunOnceAsync(default);
        await b.Checker.RunOnceAsync(default);

        Assert.Equal(2, _mock.Requests.Count(r => r.Path == "/v1beta/models"));
        foreach (var runtime in new[] { a.Runtime, b.Runtime })
        {
            var keys = runtime.Catalog.Channels[0].Keys;
            Assert.True(keys[0].Health.LastProbe!.Ok);
            Assert.Null(keys[0].Health.DisabledReason);
            Assert.Equal("status 400 API_KEY_INVALID", keys[1].Health.LastProbe!.Error);
            Assert.NotNull(keys[1].Health.DisabledReason);
        }
    }

    [Fact]
    public async Task RunOnce_AnthropicChannel_ProbesWithAnthropicAuth()
    {
        var (runtime, checker) = Instance(await TestDatabases.CreateMigratedAsync(DatabaseKind.Sqlite), anthropic: true);

        await checker.RunOnceAsync(default);

        var keys = runtime.Catalog.Channels[0].Keys;
        Assert.True(keys[0].Health.LastProbe!.Ok, keys[0].Health.LastProbe!.Error);
        Assert.Null(keys[0].Health.DisabledReason);
        Assert.Equal(401, keys[1].Health.LastProbe!.Status);
        Assert.NotNull(keys[1].Health.DisabledReason);
        Assert.All(_mock.Requests.Where(r => r.Path == "/v1/models"), r => Assert.False(r.Headers.ContainsKey("Authorization")));
    }

    [Fact]
    public async Task RunOnce_HealthyProbe_ReclosesAnOpenCircuit()
    {
        var (runtime, checker) = Instance(await TestDatabases.CreateMigratedAsync(DatabaseKind.Sqlite));
        var health = runtime.Catalog.Channels[0].Keys[0].Health;
        health.OnFailure();
        Assert.Equal(CircuitState.Open, health.State);

        await checker.RunOnceAsync(default);

        Assert.Equal(CircuitState.Closed, health.State);
        Assert.True(health.TryAcquire());
    }
}
