using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchyard.Admin;
using Switchyard.Billing;
using Switchyard.Configuration;
using Switchyard.Relay;
using Switchyard.Storage;
using Switchyard.Tenancy;

namespace Switchyard.Hosting;

public static class ServiceRegistration
{
    public static IServiceCollection AddSwitchyard(this IServiceCollection services, GatewayConfig config, string? configPath = null)
    {
        services.AddSingleton(new ConfigFile(configPath));
        services.AddSingleton(Telemetry.Redaction.Redactor.FromConfig(config));
        services.AddHostedService<ConfigReloader>();
        DatabaseLocation.TryParse(config.Storage.Database, out var location, out _);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new GatewayRuntime(config, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(SqlDialect.For(location!));
        services.AddSingleton<Migrator>();
        services.AddSingleton<KeyStore>();
        services.AddSingleton<KeyRing>();
        services.AddSingleton<ConfigKeySeeder>();
        services.AddSingleton<LedgerStore>();
        services.AddSingleton<UsageReport>();
        services.AddSingleton(new LedgerJournal(config.Storage.Journal));
        services.AddSingleton<LedgerWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<LedgerWriter>());
        services.AddHostedService<KeyRingRefresher>();
        services.AddSingleton<UpstreamClient>();
        services.AddSingleton<Storage.HealthStore>();
        services.AddSingleton<Resilience.HealthChecker>();
        services.AddHostedService(sp => sp.GetRequiredService<Resilience.HealthChecker>());
        services.AddSingleton<Protocols.Canonical.IClientCodec, Protocols.Anthropic.AnthropicMessagesCodec>();
        services.AddSingleton<Protocols.Canonical.IClientCodec, Protocols.OpenAi.OpenAiChatConverter>();
        services.AddSingleton<Protocols.Canonical.IClientCodec, Protocols.Gemini.GeminiCodec>();
        services.AddSingleton<GeminiEndpoints>();
        services.AddSingleton<Protocols.Canonical.IClientCodec, Protocols.Responses.ResponsesCodec>();
        services.AddSingleton<Protocols.Canonical.IProviderAdapter, Providers.OpenAiCompatible.OpenAiCompatibleProvider>();
        services.AddSingleton<Protocols.Canonical.IProviderAdapter, Providers.AnthropicMessages.AnthropicMessagesProvider>();
        services.AddSingleton<Protocols.Canonical.IProviderAdapter, Providers.Gemini.GeminiProvider>();
        services.AddSingleton<Protocols.Canonical.IProviderAdapter, Providers.OpenAiResponses.ResponsesProvider>();
        services.AddSingleton<Quotas.QuotaPlanner>();
        services.AddSingleton<Quotas.MemoryQuotaStore>();
        if (config.Storage.Redis is { } redis)
        {
            services.AddSingleton(sp => new Quotas.RedisLink(Resp.RedisOptions.Parse(redis), sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>(), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<Quotas.IQuotaStore>(sp => new Quotas.RedisQuotaStore(sp.GetRequiredService<Quotas.RedisLink>(),
                config.Storage.RedisFailure == "fail_open", sp.GetRequiredService<Quotas.MemoryQuotaStore>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Quotas.RedisQuotaStore>>()));
        }
        else
        {
            services.AddSingleton<Quotas.IQuotaStore>(sp => sp.GetRequiredService<Quotas.MemoryQuotaStore>());
        }
        services.AddSingleton<ChatRelay>();
        services.AddSingleton<ClientProtocols>();
        services.AddSingleton<ModelsEndpoint>();
        services.AddSingleton<AdminAuthorization>();
        services.AddSingleton<StorageBootstrap>();
        return services;
    }
}
