namespace Switchyard.Contracts;

/// <summary>
/// Token counts in OpenAI's semantics: <see cref="Input"/> counts every prompt token, cache reads
/// and writes included; <see cref="Output"/> includes <see cref="Reasoning"/>.
/// </summary>
public readonly record struct TokenUsage(long Input, long Output, long Cached, long CacheWrite, long Reasoning)
{
    public long Total => Input + Output;
}
