using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Hosting;
using Switchyard.Security;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Telemetry;

/// <summary>Secrets that arrive after start (a config reload, a channel stored by the admin API) are masked at once.</summary>
public sealed class ReloadRedactionTests
{
    [Fact]
    public async Task A_webhook_and_an_upstream_key_added_by_a_config_reload_are_masked_without_a_restart()
    {
        var dir = Directory.CreateTempSubdirectory("switchyard-reload-redaction-");
        var path = Path.Combine(dir.FullName, "switchyard.yaml");
        string Yaml(string extra) => $$"""
            server: { listen: "http://127.0.0.1:0" }
            storage: { database: "sqlite:{{Path.Combine(dir.FullName, "db.sqlite")}}", journal: "{{Path.Combine(dir.FullName, "journal")}}" }
            security: { master_key: "{{GatewayHarness.MasterKey}}" }
            channels:
              - { name: mock, type: openai, base_url: "http://127.0.0.1:9/v1", keys: [firstplainkey0001], models: [gpt-4o-mini] }
            health_checks: { interval: 0s }
            {{extra}}
            """;
        await File.WriteAllTextAsync(path, Yaml(""));
        await using var host = await SwitchyardHost.StartAsync(ConfigLoader.LoadFile(path), logging => logging.ClearProviders(), path);
        var redactor = host.Services.GetRequiredService<Redactor>();
        const string Hook = "https://hooks.example/services/T0/B0/reloadedhooktoken0042";
        Assert.Equal($"posting to {Hook} with laterplainkey0002", redactor.Redact($"posting to {Hook} with laterplainkey0002"));

        await File.WriteAllTextAsync(path, Yaml($$"""
            alerts: { webhooks: [{ name: ops, url: "{{Hook}}", events: [channel_down] }] }
            models: [{ name: later, fallbacks: [] }]
            """).Replace("keys: [firstplainkey0001]", "keys: [firstplainkey0001, laterplainkey0002]", StringComparison.Ordinal));
        var reloader = host.Services.GetServices<IHostedService>().OfType<ConfigReloader>().Single();
        Assert.True(await reloader.ReloadAsync(path, CancellationToken.None));

        var masked = redactor.Redact($"posting to {Hook} with laterplainkey0002 after firstplainkey0001");
        Assert.DoesNotContain("reloadedhooktoken0042", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("laterplainkey0002", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("firstplainkey0001", masked, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upstream_key_of_no_known_shape_stored_by_the_admin_api_is_masked()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        var redactor = gateway.Host.Services.GetRequiredService<Redactor>();
        const string Key = "shapelessadminkey0123";
        Assert.Equal($"key {Key}", redactor.Redact($"key {Key}"));

        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Post, "/admin/channels",
            $$"""{"name":"stored","type":"openai","base_url":"http://127.0.0.1:9/v1","keys":["{{Key}}"],"models":["gpt-4o-mini"]}""", expect: 201);

        Assert.Equal($"key {Redactor.Mask}", redactor.Redact($"key {Key}"));
    }
}
