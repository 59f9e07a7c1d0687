using Switchyard.Configuration;
using Switchyard.Pricing;

namespace Switchyard.Tests.Billing;

public sealed class PriceVersionTests
{
    private static PriceBook Book(PriceConfig price, decimal multiplier = 1m) =>
        new([new ModelConfig { Name = "m", Price = price }], [new GroupConfig { Name = "g", PriceMultiplier = multiplier }]);

    [Fact]
    public void Version_SameNumbersWrittenDifferently_IsTheSame()
    {
        var a = Book(new PriceConfig { Input = 2.5m, Output = 10m }).Resolve("m", null, "g")!;
        var b = Book(new PriceConfig { Input = 2.50m, Output = 10.000m }).Resolve("m", null, "g")!;

        Assert.Equal(a.Version, b.Version);
        Assert.Matches("^pv_[0-9a-f]{16}$", a.Version);
    }

    [Fact]
    public void Version_AnyPriceOrMultiplierChange_IsANewVersion()
    {
        var versions = new[]
        {
            Book(new PriceConfig { Input = 2.5m, Output = 10m }),
            Book(new PriceConfig { Input = 2.5m, Output = 10m, CachedInput = 1.25m }),
            Book(new PriceConfig { Input = 2.5m, Output = 10m, PerRequest = 0.001m }),
            Book(new PriceConfig { Input = 2.5m, Output = 10m }, multiplier: 0.9m),
            Book(new PriceConfig { Input = 3m, Output = 10m }),
        }.Select(b => b.Resolve("m", null, "g")!.Version);

        Assert.Equal(5, versions.Distinct().Count());
    }

    [Fact]
    public void Resolve_ConfigOverridesBuiltIn_ServedModelPricesAnUnlistedAlias()
    {
        var book = new PriceBook([new ModelConfig { Name = "gpt-4o", Price = new PriceConfig { Input = 1m, Output = 1m } }], []);

        Assert.Equal(("gpt-4o", "config", 1m), Describe(book.Resolve("gpt-4o", null, null)));
        Assert.Equal(("gpt-4o-mini", "builtin", 0.15m), Describe(book.Resolve("gpt-4o-mini-2024-07-18", null, null)));
        Assert.Equal(("claude-sonnet-4-5", "builtin", 3m), Describe(book.Resolve("house-model", "claude-sonnet-4-5-20250929", null)));
        Assert.Null(book.Resolve("house-model", "unknown-upstream", null));
        Assert.Null(book.Resolve("gpt-4o-minimal", null, null));
    }

    private static (string, string, decimal) Describe(ModelPrice? price) => (price!.Model, price.Source, price.Price.Input);
}
