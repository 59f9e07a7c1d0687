using Switchyard.Configuration;
using Switchyard.Tenancy;

namespace Switchyard.Hosting;

/// <summary>The configuration <c>--demo</c> runs with: the in-process mock upstream, SQLite under ./data, one key.</summary>
internal static class DemoConfig
{
    public const string KeyName = "demo-key";

    public static GatewayConfig Create(Uri mockBaseAddress, string clientKey, string masterKey) => new()
    {
        // No load balancer to wait for: Ctrl-C stops the demo at once.
        Server = new ServerConfig { ShutdownDelay = TimeSpan.Zero },
        Storage = new StorageConfig { Database = "sqlite:data/switchyard.db", Journal = "data/journal" },
        Security = new SecurityConfig { MasterKey = masterKey },
        Channels =
        [
            new ChannelConfig
            {
                Name = "mock-openai",
                Type = "openai",
                BaseUrl = new Uri(mockBaseAddress, "v1").ToString(),
                Keys = ["mock-upstream-key"],
                Models = ["gpt-4o", "gpt-4o-mini", "text-embedding-3-small", "deepseek-chat"],
            },
            new ChannelConfig
            {
                Name = "mock-anthropic",
                Type = "anthropic",
                BaseUrl = new Uri(mockBaseAddress, "v1").ToString(),
                Keys = ["mock-upstream-key"],
                Models = ["claude-sonnet-4-5"],
            },
        ],
        Models =
        [
            new ModelConfig { Name = "gpt-4o", Price = new PriceConfig { Input = 2.50m, Output = 10.00m, CachedInput = 1.25m } },
            new ModelConfig { Name = "gpt-4o-mini", Aliases = ["mini"], Price = new PriceConfig { Input = 0.15m, Output = 0.60m, CachedInput = 0.075m } },
            new ModelConfig { Name = "text-embedding-3-small", Price = new PriceConfig { Input = 0.02m, Output = 0m } },
            new ModelConfig { Name = "deepseek-chat", Aliases = ["ds-chat"], Price = new PriceConfig { Input = 0.27m, Output = 1.10m, CachedInput = 0.07m } },
            new ModelConfig { Name = "claude-sonnet-4-5", Price = new PriceConfig { Input = 3m, Output = 15m, CachedInput = 0.30m, CacheWrite = 3.75m } },
        ],
        Groups = [new GroupConfig { Name = "default" }],
        Users = [new UserConfig { Name = "demo", Group = "default" }],
        Keys = [new KeyConfig { Name = KeyName, Secret = clientKey, User = "demo", Group = "default" }],
    };

    public static (string ClientKey, string MasterKey) NewSecrets() => (VirtualKeySecret.Generate(), "sk-sy-admin-" + VirtualKeySecret.Generate()[VirtualKeySecret.Prefix.Length..]);
}
