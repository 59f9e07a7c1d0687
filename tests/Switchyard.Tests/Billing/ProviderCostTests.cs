using System.Text;
using Switchyard.Billing;
using Switchyard.Configuration;
using Switchyard.Contracts;
using Switchyard.Pricing;
using Switchyard.Wire;

namespace Switchyard.Tests.Billing;

/// <summary>
/// Each provider's usage block, read by the parser the relay uses, priced at the built-in list prices; expected costs
/// worked out by hand from the published per-1M-token prices and compared exactly (finer than a micro-dollar).
/// </summary>
public sealed class ProviderCostTests
{
    private static readonly PriceBook Book = new([], []);

    private static TokenUsage OpenAi(string usageJson)
    {
        Assert.True(OpenAiUsageReader.TryRead(Encoding.UTF8.GetBytes($$"""{"id":"x","object":"chat.completion","choices":[],"usage":{{usageJson}}}"""), out var usage, out _));
        return usage;
    }

    private static TokenUsage Anthropic(string usageJson)
    {
        Assert.True(AnthropicUsageReader.TryRead(Encoding.UTF8.GetBytes($$"""{"type":"message","usage":{{usageJson}}}"""), out var fields));
        return fields.ToUsage();
    }

    private static decimal Cost(string model, TokenUsage usage) => Book.Resolve(model, null, null)!.Cost(usage);

    [Fact]
    public void OpenAi_PromptTokensIncludeCachedTokens_CachedPartAtCachedPrice()
    {
        var usage = OpenAi("""{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,"prompt_tokens_details":{"cached_tokens":1920},"completion_tokens_details":{"reasoning_tokens":0}}""");

        // gpt-4o: 86 plain × $2.50 + 1920 cached × $1.25 + 300 × $10 per 1M.
        Assert.Equal(0.005615m, Cost("gpt-4o", usage));
    }

    [Fact]
    public void OpenAi_ReasoningTokensInsideCompletionTokens_BilledOnceAtOutputPrice()
    {
        var usage = OpenAi("""{"prompt_tokens":1000,"completion_tokens":500,"completion_tokens_details":{"reasoning_tokens":384}}""");

        Assert.Equal((384L, 500L), (usage.Reasoning, usage.Output));
        // o4-mini: 1000 × $1.10 + 500 × $4.40 (reasoning is output, not on top of it).
        Assert.Equal(0.0033m, Cost("o4-mini", usage));
    }

    [Fact]
    public void Anthropic_InputTokensExcludeCacheReadsAndWrites_EachPricedApart()
    {
        var usage = Anthropic("""{"input_tokens":50,"cache_creation_input_tokens":2000,"cache_read_input_tokens":10000,"output_tokens":400}""");

        Assert.Equal(new TokenUsage(12_050, 400, 10_000, 2_000, 0), usage);
        // claude-sonnet-4-5: 50 × $3 + 10000 × $0.30 + 2000 × $3.75 + 400 × $15 per 1M.
        Assert.Equal(0.01665m, Cost("claude-sonnet-4-5", usage));
    }

    [Fact]
    public void Anthropic_DatedSnapshot_TakesTheFamilyListPrice()
    {
        var usage = Anthropic("""{"input_tokens":1234,"output_tokens":56,"cache_read_input_tokens":0,"cache_creation_input_tokens":0}""");

        // claude-haiku-4-5: 1234 × $1 + 56 × $5 per 1M.
        Assert.Equal(0.001514m, Cost("claude-haiku-4-5-20251001", usage));
    }

    [Fact]
    public void Gemini_ThoughtsBesideCandidates_AreOutput_CachedContentInsidePrompt()
    {
        var usage = GeminiUsage.ToUsage(promptTokenCount: 5000, candidatesTokenCount: 200, cachedContentTokenCount: 4000, thoughtsTokenCount: 800);

        Assert.Equal(new TokenUsage(5000, 1000, 4000, 0, 800), usage);
        // gemini-2.5-flash: 1000 plain × $0.30 + 4000 cached × $0.03 + (200 + 800) × $2.50 per 1M.
        Assert.Equal(0.00292m, Cost("gemini-2.5-flash", usage));
    }

    [Fact]
    public void DeepSeek_CacheHitTokens_PricedAtTheHitRate()
    {
        var usage = OpenAi("""{"prompt_tokens":1000,"completion_tokens":100,"prompt_cache_hit_tokens":600,"prompt_cache_miss_tokens":400}""");

        // deepseek-chat: 400 miss × $0.27 + 600 hit × $0.07 + 100 × $1.10 per 1M.
        Assert.Equal(0.00026m, Cost("deepseek-chat", usage));
    }

    [Fact]
    public void Qwen_PlainUsage_InputAndOutputPrices()
    {
        var usage = OpenAi("""{"prompt_tokens":1234,"completion_tokens":567,"total_tokens":1801,"prompt_tokens_details":{"cached_tokens":0}}""");

        // qwen-plus: 1234 × $0.40 + 567 × $1.20 per 1M.
        Assert.Equal(0.001174m, Cost("qwen-plus", usage));
    }

    [Fact]
    public void MicroDollarCase_OneTokenOfCheapestModel_IsKeptExactly()
    {
        // One cached token of gpt-5-nano costs $0.000000005: far below a micro-dollar and still not rounded away.
        Assert.Equal(0.000000005m, Cost("gpt-5-nano", new TokenUsage(1, 0, 1, 0, 0)));
    }

    [Fact]
    public void PerRequestPriceAndGroupMultiplier_ApplyToTheWholeCost()
    {
        var book = new PriceBook(
            [new ModelConfig { Name = "house", Price = new PriceConfig { Input = 1m, Output = 2m, PerRequest = 0.01m } }],
            [new GroupConfig { Name = "partners", PriceMultiplier = 0.8m }]);

        var price = book.Resolve("house", null, "partners")!;

        // (1000 × $1 + 500 × $2) / 1M + $0.01, times 0.8.
        Assert.Equal(0.0096m, price.Cost(new TokenUsage(1000, 500, 0, 0, 0)));
        Assert.Equal(0.012m, book.Resolve("house", null, "others")!.Cost(new TokenUsage(1000, 500, 0, 0, 0)));
    }
}
