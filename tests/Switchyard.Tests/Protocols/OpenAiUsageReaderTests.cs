using System.Text;
using Switchyard.Contracts;
using Switchyard.Wire;

namespace Switchyard.Tests.Protocols;

public sealed class OpenAiUsageReaderTests
{
    private static (bool Found, TokenUsage Usage, bool HasChoices) Read(string json)
    {
        var found = OpenAiUsageReader.TryRead(Encoding.UTF8.GetBytes(json), out var usage, out var hasChoices);
        return (found, usage, hasChoices);
    }

    [Fact]
    public void TryRead_OpenAiUsage_ReadsCachedAndReasoning()
    {
        var (found, usage, hasChoices) = Read("""
            {"id":"x","choices":[{"index":0,"message":{"content":"hi"}}],"usage":{"prompt_tokens":100,"completion_tokens":40,"total_tokens":140,
             "prompt_tokens_details":{"cached_tokens":64,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":25,"audio_tokens":0}}}
            """);

        Assert.True(found);
        Assert.True(hasChoices);
        Assert.Equal(new TokenUsage(100, 40, 64, 0, 25), usage);
    }

    [Fact]
    public void TryRead_UsageOnlyChunk_HasNoChoices()
    {
        var (found, usage, hasChoices) = Read("""{"object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":4,"completion_tokens":5,"total_tokens":9}}""");

        Assert.True(found);
        Assert.False(hasChoices);
        Assert.Equal(new TokenUsage(4, 5, 0, 0, 0), usage);
    }

    [Fact]
    public void TryRead_NullUsage_IsNotUsage()
    {
        var (found, _, hasChoices) = Read("""{"choices":[{"delta":{"content":"x"}},{"delta":{}}],"usage":null}""");

        Assert.False(found);
        Assert.True(hasChoices);
    }

    [Fact]
    public void TryRead_DeepSeekCacheHit_CountsAsCached()
    {
        var (_, usage, _) = Read("""{"usage":{"prompt_tokens":50,"completion_tokens":10,"prompt_cache_hit_tokens":32,"prompt_cache_miss_tokens":18}}""");

        Assert.Equal(32, usage.Cached);
    }

    [Fact]
    public void TryRead_EmbeddingsUsage_HasInputOnly()
    {
        var (found, usage, _) = Read("""{"object":"list","data":[],"model":"m","usage":{"prompt_tokens":8,"total_tokens":8}}""");

        Assert.True(found);
        Assert.Equal(new TokenUsage(8, 0, 0, 0, 0), usage);
    }

    [Fact]
    public void TryRead_NotJson_IsFalse() => Assert.False(Read("not json").Found);
}
