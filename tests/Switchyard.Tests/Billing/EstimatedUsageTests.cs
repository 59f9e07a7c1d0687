using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Billing;

/// <summary>Streams that end early: billed from what the upstream reported, else estimated apart and flagged.</summary>
public sealed class EstimatedUsageTests : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task OpenAiStreamCutBeforeUsage_RecordIsEstimated_EstimateKeptApart()
    {
        const string body = """{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"tell me [mock:cut_after=3]"}]}""";
        using var response = await _gateway.Http.SendAsync(_gateway.Post("/v1/chat/completions", body));
        await response.Content.ReadAsStringAsync();

        var record = Assert.Single(await _gateway.LedgerAsync(1));

        Assert.Equal("upstream_stream_broken", record.ErrorKind);
        Assert.True(record.UsageEstimated);
        // Nothing reported, nothing charged: the guess never enters the billed columns.
        Assert.Equal((default(Switchyard.Contracts.TokenUsage), 0m), (record.Usage, record.CostUsd));
        Assert.Equal(new Switchyard.Contracts.TokenUsage(System.Text.Encoding.UTF8.GetByteCount(body) / 4, 3, 0, 0, 0), record.EstimatedUsage);
        // gpt-4o at the test config's $2.50 / $10 per 1M.
        Assert.Equal((record.EstimatedUsage.Input * 2.50m + 3 * 10m) / 1_000_000m, record.EstimatedCostUsd);
        Assert.NotNull(record.PriceVersion);
    }

    [Fact]
    public async Task AnthropicStreamCutAfterMessageStart_BilledFromReportedUsage_NotEstimated()
    {
        var request = _gateway.Post("/v1/messages",
            """{"model":"claude-sonnet-4-5","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"hi [mock:cut_after=3]"}]}""");
        using var response = await _gateway.Http.SendAsync(request);
        await response.Content.ReadAsStringAsync();

        var record = Assert.Single(await _gateway.LedgerAsync(1));

        Assert.NotNull(record.ErrorKind);
        Assert.False(record.UsageEstimated);
        Assert.True(record.Usage.Input > 0, "message_start reported the input tokens");
        Assert.Equal((record.Usage.Input * 3m + record.Usage.Output * 15m) / 1_000_000m, record.CostUsd);
        Assert.Equal((default(Switchyard.Contracts.TokenUsage), 0m), (record.EstimatedUsage, record.EstimatedCostUsd));
    }

    [Fact]
    public async Task CompleteStream_NotEstimated_ChargedAtTheConfiguredVersion()
    {
        using var response = await _gateway.Http.SendAsync(_gateway.Post("/v1/chat/completions",
            """{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hello"}]}"""));
        await response.Content.ReadAsStringAsync();

        var record = Assert.Single(await _gateway.LedgerAsync(1));

        Assert.False(record.UsageEstimated);
        Assert.True(record.Usage.Total > 0);
        var price = new Switchyard.Pricing.PriceBook(_gateway.Host.Services.GetService(typeof(Switchyard.Routing.GatewayRuntime)) is Switchyard.Routing.GatewayRuntime runtime
            ? runtime.Config : throw new InvalidOperationException()).Resolve("gpt-4o", "gpt-4o", "team")!;
        Assert.Equal((price.Version, price.Cost(record.Usage)), (record.PriceVersion, record.CostUsd));
    }
}
