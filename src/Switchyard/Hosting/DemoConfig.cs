using Switchyard.Configuration;
using Switchyard.Tenancy;

namespace Switchyard.Hosting;

/// <summary>The configuration <c>--demo</c> runs with: the in-process mock upstream, SQLite under ./data, one key.</summary>
internal static class DemoConfig
{
    public const string KeyName = "demo-key";

    /// <summary>Where the demo keeps its <c>security.secret_key</c>, next to its database.</summary>
    public const string SecretKeyPath = "data/demo-secret-key";

    public static GatewayConfig Create(Uri mockBaseAddress, string clientKey, string masterKey, string? secretKey = null) => new()
    {
        // No load balancer to wait for: Ctrl-C stops the demo at once.
        Server = new ServerConfig { ShutdownDelay = TimeSpan.Zero },
        Storage = new StorageConfig { Database = "sqlite:data/switchyard.db", Journal = "data/journal" },
        // The secret key lets the demo store channels (their upstream keys are sealed with it).
        Security = new SecurityConfig { MasterKey = masterKey, SecretKey = secretKey },
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

    /// <summary>
    /// The demo's secret key: made once and kept in <paramref name="path"/>, so channels stored by one demo run still
    /// open in the next (a new key each run would leave them sealed for good).
    /// </summary>
    public static async Task<string> SecretKeyAsync(string path, CancellationToken cancellationToken = default)
    {
        if (File.Exists(path))
        {
            var kept = (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
            if (kept.Length >= 32)
            {
                return kept;
            }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var made = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await File.WriteAllTextAsync(path, made + "\n", cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return made;
    }

    public static (string ClientKey, string MasterKey) NewSecrets() => (VirtualKeySecret.Generate(), "sk-sy-admin-" + VirtualKeySecret.Generate()[VirtualKeySecret.Prefix.Length..]);
}
