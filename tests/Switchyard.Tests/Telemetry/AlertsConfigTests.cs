using System.Text.Json;
using Switchyard.Configuration;
using Switchyard.Telemetry.Alerts;

namespace Switchyard.Tests.Telemetry;

public sealed class AlertsConfigTests
{
    [Fact]
    public void Parse_AlertsSection_ReadsWebhooksAndSettings()
    {
        var config = ConfigLoader.Parse("""
            alerts:
              webhooks:
                - { name: ops, url: "https://hooks.example/x", format: feishu, events: [channel_down, budget_100], secret: s3cret-signing-key }
                - name: plain
                  url: http://127.0.0.1:9000/alerts
                  events: [reconciliation_mismatch]
              min_interval: 10m
              max_attempts: 5
              retry_backoff: 1s
              check_interval: 2s
            """);
        var alerts = config.Alerts;
        Assert.Equal(2, alerts.Webhooks.Count);
        Assert.Equal("feishu", alerts.Webhooks[0].Format);
        Assert.Equal(["channel_down", "budget_100"], alerts.Webhooks[0].Events);
        Assert.Equal("s3cret-signing-key", alerts.Webhooks[0].Secret);
        Assert.Equal("generic", alerts.Webhooks[1].Format);
        Assert.Equal(TimeSpan.FromMinutes(10), alerts.MinInterval);
        Assert.Equal(5, alerts.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(1), alerts.RetryBackoff);
        Assert.Equal(TimeSpan.FromSeconds(2), alerts.CheckInterval);
        Assert.True(alerts.Wants("budget_100"));
        Assert.False(alerts.Wants("budget_80"));
    }

    [Fact]
    public void Parse_BadWebhooks_NamesEveryProblemWithoutRepeatingTheUrl()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("""
            alerts:
              webhooks:
                - { name: a, url: "ftp://token-in-url-0001/x", format: teams, events: [channel_up] }
                - { name: a, url: "https://hooks.example/y", events: [] }
            """));
        var text = string.Join("\n", error.Problems);
        Assert.Contains("alerts.webhooks[0].url: must be an http:// or https:// URL", text, StringComparison.Ordinal);
        Assert.Contains("alerts.webhooks[0].format: must be one of generic, slack, feishu, dingtalk", text, StringComparison.Ordinal);
        Assert.Contains("alerts.webhooks[0].events[0]: must be one of", text, StringComparison.Ordinal);
        Assert.Contains("alerts.webhooks[1].name: duplicate name 'a'", text, StringComparison.Ordinal);
        Assert.Contains("alerts.webhooks[1].events: must name at least one event", text, StringComparison.Ordinal);
        Assert.DoesNotContain("token-in-url-0001", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithoutSecret_UnsignedBodies()
    {
        var alert = new Alert("budget_80", "group rd usd_per_month 2026-12", "warning", "The budget is 80% used.",
            new DateTimeOffset(2026, 12, 2, 4, 0, 0, TimeSpan.Zero), [new("scope", "group rd")]);
        using var feishu = WebhookRequest.Create(new WebhookConfig { Name = "f", Url = "https://open.feishu.cn/open-apis/bot/v2/hook/abc", Format = "feishu" }, alert, DateTimeOffset.UtcNow);
        Assert.Equal("""{"msg_type":"text","content":{"text":"[Switchyard warning] budget_80: The budget is 80% used.\nscope: group rd\ntime: 2026-12-02T04:00:00Z"}}""",
            await feishu.Content!.ReadAsStringAsync());
        using var ding = WebhookRequest.Create(new WebhookConfig { Name = "d", Url = "https://oapi.dingtalk.com/robot/send?access_token=t", Format = "dingtalk" }, alert, DateTimeOffset.UtcNow);
        Assert.Equal("https://oapi.dingtalk.com/robot/send?access_token=t", ding.RequestUri!.ToString());
        Assert.Equal("text", JsonDocument.Parse(await ding.Content!.ReadAsStringAsync()).RootElement.GetProperty("msgtype").GetString());
        using var generic = WebhookRequest.Create(new WebhookConfig { Name = "g", Url = "https://hooks.example/x" }, alert, DateTimeOffset.UtcNow);
        Assert.False(generic.Headers.Contains(WebhookRequest.SignatureHeader));
        Assert.Equal("""{"event":"budget_80","subject":"group rd usd_per_month 2026-12","severity":"warning","message":"The budget is 80% used.","time":"2026-12-02T04:00:00.000Z","details":{"scope":"group rd"}}""",
            await generic.Content!.ReadAsStringAsync());
    }
}
