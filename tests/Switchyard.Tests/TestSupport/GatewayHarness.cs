using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenAI;
using Switchyard.Billing;
using Switchyard.Configuration;
using Switchyard.Hosting;
using Switchyard.MockUpstream;
using Switchyard.Storage;

namespace Switchyard.Tests.TestSupport;

/// <summary>The real gateway on a loopback port in front of the real mock upstream, with a fresh database.</summary>
internal sealed class GatewayHarness : IAsyncDisposable
{
    public const string ClientKey = "sk-sy-test-client-key-000000000000000001";
    public const string NarrowKey = "sk-sy-test-narrow-key-000000000000000002";
    public const string ExpiredKey = "sk-sy-test-expired-key-00000000000000003";
    public const string MasterKey = "sk-sy-test-master-key-000000000000000000";

    private GatewayHarness(MockUpstreamServer mock, SwitchyardHost host)
    {
        Mock = mock;
        Host = host;
        Http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public MockUpstreamServer Mock { get; }
    public SwitchyardHost Host { get; }
    public HttpClient Http { get; }
    public Uri BaseAddress => Host.Address;

    public static async Task<GatewayHarness> StartAsync(DatabaseKind database = DatabaseKind.Sqlite, Func<GatewayConfig, GatewayConfig>? customize = null,
        Action<ILoggingBuilder>? logging = null, InstanceRole role = InstanceRole.All)
    {
        var mock = await MockUpstreamServer.StartAsync(0);
        var config = DefaultConfig(mock.BaseAddress, await TestDatabases.CreateAsync(database));
        if (customize is not null)
        {
            config = customize(config);
        }
        ConfigValidator.Validate(config);
        var host = await SwitchyardHost.StartAsync(config, builder =>
        {
            builder.ClearProviders();
            logging?.Invoke(builder);
        }, role: role);
        return new GatewayHarness(mock, host);
    }

    public static GatewayConfig DefaultConfig(Uri mockBase, string database) => new()
    {
        Server = new ServerConfig { Listen = "http://127.0.0.1:0", MaxBodyBytes = 64 * 1024 },
        Storage = new StorageConfig { Database = database, Journal = Directory.CreateTempSubdirectory("switchyard-journal-").FullName },
        Security = new SecurityConfig { MasterKey = MasterKey },
        Channels =
        [
            new ChannelConfig
            {
                Name = "mock",
                Type = "openai",
                BaseUrl = new Uri(mockBase, "v1").ToString(),
                Keys = ["mock-upstream-key"],
                Models = ["gpt-4o", "gpt-4o-mini", "text-embedding-3-small"],
                ModelMap = new Dictionary<string, string> { ["house-model"] = "gpt-4o" },
            },
            new ChannelConfig
            {
                Name = "mock-anthropic",
                Type = "anthropic",
                BaseUrl = new Uri(mockBase, "v1").ToString(),
                Keys = ["anthropic-upstream-key"],
                Models = ["claude-sonnet-4-5"],
            },
            new ChannelConfig
            {
                Name = "unreachable",
                Type = "openai",
                // Port 9 (discard) is closed on loopback: connections are refused at once.
                BaseUrl = "http://127.0.0.1:9/v1",
                Keys = ["nobody-home"],
                Models = ["dead-model"],
            },
        ],
        Models =
        [
            new ModelConfig { Name = "gpt-4o", Price = new PriceConfig { Input = 2.50m, Output = 10.00m, CachedInput = 1.25m } },
            new ModelConfig { Name = "gpt-4o-mini", Aliases = ["mini"], Price = new PriceConfig { Input = 0.15m, Output = 0.60m, CachedInput = 0.075m, Reasoning = 0.90m } },
            new ModelConfig { Name = "text-embedding-3-small", Price = new PriceConfig { Input = 0.02m } },
            new ModelConfig { Name = "claude-sonnet-4-5", Price = new PriceConfig { Input = 3m, Output = 15m, CachedInput = 0.30m, CacheWrite = 3.75m } },
        ],
        Groups =
        [
            new GroupConfig { Name = "team" },
            new GroupConfig { Name = "narrow", Models = ["gpt-4o-mini"] },
        ],
        Users = [new UserConfig { Name = "wang", Group = "team" }],
        Keys =
        [
            new KeyConfig { Name = "client-key", Secret = ClientKey, User = "wang", Group = "team" },
            new KeyConfig { Name = "narrow-key", Secret = NarrowKey, Group = "narrow" },
            new KeyConfig { Name = "expired-key", Secret = ExpiredKey, Group = "team", ExpiresAt = DateTimeOffset.UtcNow.AddDays(-1) },
        ],
        // Error tests assert single attempts; routing tests turn retries on.
        Router = new RouterConfig { NumRetries = 0, FirstByteTimeout = TimeSpan.FromSeconds(2), RequestTimeout = TimeSpan.FromSeconds(20) },
    };

    public OpenAIClient OpenAi(string key = ClientKey) => new(new ApiKeyCredential(key), new OpenAIClientOptions
    {
        Endpoint = new Uri(BaseAddress, "v1"),
        // Error tests assert the first answer; the SDK's own retries would hide it.
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    });

    public HttpRequestMessage Post(string path, string json, string? key = ClientKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }
        return request;
    }

    /// <summary>Every ledger record, once everything accepted so far is written.</summary>
    public async Task<IReadOnlyList<UsageRecord>> LedgerAsync(int expectAtLeast = 0)
    {
        var writer = Host.Services.GetRequiredService<LedgerWriter>();
        var store = Host.Services.GetRequiredService<LedgerStore>();
        for (var attempt = 0; ; attempt++)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await writer.FlushAsync(timeout.Token);
            var records = await store.RecentAsync(10_000, CancellationToken.None);
            if (records.Count >= expectAtLeast || attempt >= 100)
            {
                return records;
            }
            // A request's record is enqueued as its handler finishes, a moment after the client saw the response end.
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        await Mock.DisposeAsync();
    }
}
