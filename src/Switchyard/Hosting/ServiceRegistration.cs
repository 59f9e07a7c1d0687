using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchyard.Admin;
using Switchyard.Billing;
using Switchyard.Configuration;
using Switchyard.Providers;
using Switchyard.Relay;
using Switchyard.Routing;
using Switchyard.SharedState;
using Switchyard.Storage;
using Switchyard.Tenancy;

namespace Switchyard.Hosting;

internal static class ServiceRegistration
{
    public static IServiceCollection AddSwitchyard(this IServiceCollection services, GatewayConfig config, string? configPath = null, InstanceRole role = InstanceRole.All)
    {
        // A relay runs no scheduled job: they run once per deployment, on the admin instances.
        var jobs = role.RunsJobs();
        services.AddSingleton(new ConfigFile(configPath));
        services.AddSingleton(Security.Redactor.FromConfig(config));
        services.AddSingleton(new Telemetry.Metrics.GatewayMetrics(config));
        services.AddSingleton(sp => new Telemetry.Metrics.MetricsCollector(sp.GetRequiredService<Telemetry.Metrics.GatewayMetrics>().Meter));
        services.AddSingleton<Telemetry.Metrics.RuntimeGauges>();
        services.AddSingleton(sp => new Telemetry.Metrics.MetricsEndpoint(sp.GetRequiredService<Telemetry.Metrics.MetricsCollector>(),
            sp.GetRequiredService<Telemetry.Metrics.RuntimeGauges>(), config));
        services.AddSingleton(sp => new Telemetry.Tracing.OtlpExport(config, sp));
        services.AddSingleton<Telemetry.Logging.RequestLog>();
        services.AddHostedService(sp => sp.GetRequiredService<Telemetry.Tracing.OtlpExport>());

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
        services.AddSingleton<ArmReport>();
        services.AddSingleton(new LedgerJournal(config.Storage.Journal));
        services.AddSingleton(sp => new LedgerWal(config.Storage.Journal, sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<LedgerWal>>()));
        services.AddSingleton(sp =>
        {
            // Built in either mode: its start-up recovery replays segments a crashed process left behind.
            var wal = sp.GetRequiredService<LedgerWal>();
            return new LedgerWriter(sp.GetRequiredService<LedgerStore>(), sp.GetRequiredService<LedgerJournal>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<LedgerWriter>>(), config.Storage.Durability == LedgerDurability.Answer ? wal : null,
                sp.GetRequiredService<Security.Redactor>());
        });
        services.AddHostedService(sp => sp.GetRequiredService<LedgerWriter>());
        services.AddSingleton<ReconciliationStore>();
        services.AddSingleton<Billing.Reconciliation.ReconciliationService>();
        services.AddSingleton<Billing.Reconciliation.ReconciliationJob>();
        if (jobs)
        {
            services.AddHostedService(sp => sp.GetRequiredService<Billing.Reconciliation.ReconciliationJob>());
        }
        services.AddSingleton<LedgerRetentionStore>();
        services.AddSingleton<LedgerRetention>();
        if (jobs)
        {
            services.AddHostedService(sp => sp.GetRequiredService<LedgerRetention>());
        }
        services.AddSingleton(new Security.SecretCipher(config.Security.SecretKey, config.Security.PreviousSecretKeys));
        services.AddSingleton(new Microsoft.AspNetCore.Identity.PasswordHasher<string>());
        services.AddSingleton<KeyHasher>();
        services.AddSingleton<GatewaySecretStore>();
        services.AddSingleton<KeyHashBootstrap>();
        services.AddSingleton<GroupStore>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<ChannelStore>();
        services.AddSingleton<ModelStore>();
        services.AddSingleton<RouteStore>();
        services.AddSingleton<StateVersion>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<PasswordResetStore>();
        services.AddSingleton<PasswordResets>();
        services.AddSingleton<AuditStore>();
        services.AddSingleton<RequestLogStore>();
        services.AddSingleton<RequestBodyStore>();
        services.AddSingleton(new Audit.AuditChainKeys(config.Security.SecretKey, config.Security.PreviousSecretKeys));
        services.AddSingleton<Audit.AuditLog>();
        services.AddSingleton<TenancySeeder>();
        services.AddSingleton<StateComposer>();
        services.AddSingleton<StateReloader>();
        services.AddHostedService<StateRefresher>();
        services.AddSingleton<SecretFiles>();
        services.AddHostedService<SecretFileWatcher>();
        services.AddSingleton<AdminSessions>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<ScopeQuotas>();
        // The policy of the current config: a reload that changes security.upstream_hosts applies to the next connection.
        services.AddSingleton(sp =>
        {
            var runtime = sp.GetRequiredService<GatewayRuntime>();
            return new UpstreamClient(address => UpstreamHostPolicy.For(runtime.Config.Security.UpstreamHosts).Allows(address));
        });
        services.AddSingleton<Storage.HealthStore>();
        services.AddSingleton<Resilience.HealthChecker>();
        if (jobs)
        {
            services.AddHostedService(sp => sp.GetRequiredService<Resilience.HealthChecker>());
        }
        services.AddSingleton<Contracts.Canonical.IClientCodec, Protocols.Anthropic.AnthropicMessagesCodec>();
        services.AddSingleton<Contracts.Canonical.IClientCodec, Protocols.OpenAi.OpenAiChatConverter>();
        services.AddSingleton<Contracts.Canonical.IClientCodec, Protocols.Gemini.GeminiCodec>();
        services.AddSingleton<GeminiEndpoints>();
        services.AddSingleton<Contracts.Canonical.IClientCodec, Protocols.Responses.ResponsesCodec>();
        services.AddSingleton<Contracts.Canonical.IProviderAdapter, Providers.OpenAiCompatible.OpenAiCompatibleProvider>();
        services.AddSingleton<Contracts.Canonical.IProviderAdapter, Providers.AnthropicMessages.AnthropicMessagesProvider>();
        services.AddSingleton<Contracts.Canonical.IProviderAdapter, Providers.Gemini.GeminiProvider>();
        services.AddSingleton<Contracts.Canonical.IProviderAdapter, Providers.OpenAiResponses.ResponsesProvider>();
        services.AddSingleton<Quotas.QuotaPlanner>();
        services.AddSingleton<Quotas.MemoryQuotaStore>();
        if (config.Storage.Redis is { } redis)
        {
            services.AddSingleton(sp => new Quotas.RedisLink(Resp.RedisOptions.Parse(redis), sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>(), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<Quotas.IQuotaStore>(sp => new Quotas.RedisQuotaStore(sp.GetRequiredService<Quotas.RedisLink>(),
                config.Storage.RedisFailure == RedisFailureMode.FailOpen, sp.GetRequiredService<Quotas.MemoryQuotaStore>(), sp.GetRequiredService<TimeProvider>(),
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
        AddAlerts(services, jobs);
        return services;
    }

    private static void AddAlerts(IServiceCollection services, bool jobs)
    {
        services.AddSingleton<AlertStore>();
        services.AddSingleton<Telemetry.Alerts.AlertDispatcher>();
        if (jobs)
        {
            services.AddHostedService(sp => sp.GetRequiredService<Telemetry.Alerts.AlertDispatcher>());
        }
        services.AddSingleton<Telemetry.Alerts.BudgetGauges>();
        services.AddSingleton<Telemetry.Alerts.BudgetAlerts>();
        services.AddSingleton<Telemetry.Alerts.ChannelAlerts>();
        services.AddSingleton<Telemetry.Alerts.SecretFileAlerts>();
        if (jobs)
        {
            services.AddHostedService<Telemetry.Alerts.AlertMonitor>();
        }
    }
}
