using Switchyard.Configuration;
using Switchyard.Contracts;
using Switchyard.Pricing;

namespace Switchyard.Tests.Billing;

public sealed class PriceBookTests
{
    [Fact]
    public void Cost_PlainTokens_UsesInputAndOutputPrices()
    {
        var price = new PriceConfig { Input = 2.50m, Output = 10.00m };

        Assert.Equal(0.0035m, PriceBook.Cost(price, new TokenUsage(1000, 100, 0, 0, 0)));
    }

    [Fact]
    public void Cost_CachedAndReasoning_PricedApart()
    {
        var price = new PriceConfig { Input = 0.15m, Output = 0.60m, CachedInput = 0.075m, Reasoning = 0.90m };

        // 600 plain input, 400 cached, 50 plain output, 150 reasoning.
        var cost = PriceBook.Cost(price, new TokenUsage(1000, 200, 400, 0, 150));

        Assert.Equal((600 * 0.15m + 400 * 0.075m + 50 * 0.60m + 150 * 0.90m) / 1_000_000m, cost);
    }

    [Fact]
    public void Cost_UnsetCachedPrice_FallsBackToInputPrice()
    {
        var price = new PriceConfig { Input = 1m, Output = 2m };

        Assert.Equal(PriceBook.Cost(price, new TokenUsage(10, 0, 0, 0, 0)), PriceBook.Cost(price, new TokenUsage(10, 0, 6, 0, 0)));
    }

    [Fact]
    public void Cost_NoPrice_IsZero() => Assert.Equal(0m, PriceBook.Cost(null, new TokenUsage(1000, 1000, 0, 0, 0)));
}
