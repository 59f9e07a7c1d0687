namespace Switchyard.Configuration;

/// <summary><c>storage.durability</c>: when a usage record is made durable.</summary>
public enum LedgerDurability
{
    /// <summary>Batched to the database; a crash loses at most the batch window.</summary>
    Batch,

    /// <summary>Journaled before the answer's last bytes leave.</summary>
    Answer,
}

/// <summary><c>storage.redis_failure</c>: what limits do while Redis is unreachable.</summary>
public enum RedisFailureMode
{
    /// <summary>Per-instance limits in memory.</summary>
    FailOpen,

    /// <summary>Requests under a Redis-kept limit get 503.</summary>
    FailClosed,
}

/// <summary>A channel's upstream family: which wire format it speaks.</summary>
public enum ChannelFamily
{
    Unknown,
    OpenAi,
    Anthropic,
    Gemini,
}

internal static class ChannelFamilies
{
    /// <summary>The channel <c>type</c> words, in the order error messages list them.</summary>
    public static readonly IReadOnlyList<(string Word, ChannelFamily Family)> Words =
        [("openai", ChannelFamily.OpenAi), ("anthropic", ChannelFamily.Anthropic), ("gemini", ChannelFamily.Gemini)];

    public static ChannelFamily Parse(string type)
    {
        foreach (var (word, family) in Words)
        {
            if (word == type)
            {
                return family;
            }
        }
        return ChannelFamily.Unknown;
    }

    /// <summary>The configured word for a family ("openai").</summary>
    public static string Word(ChannelFamily family) => family switch
    {
        ChannelFamily.OpenAi => "openai",
        ChannelFamily.Anthropic => "anthropic",
        ChannelFamily.Gemini => "gemini",
        ChannelFamily.Unknown => "unknown",
        _ => "unknown",
    };
}
