using Switchyard.Contracts;

namespace Switchyard.Tests.Contracts;

/// <summary>What a ledger record keeps of its attempts and errors is bounded, whatever the upstream sends.</summary>
public sealed class AttemptTests
{
    private static Attempt Make(int i) => new($"ch{i}", $"ch{i}#0", "m", 502, i, "upstream_error");

    [Fact]
    public void Bounded_LongChain_KeepsTheFirstSevenAndTheLast()
    {
        var chain = Enumerable.Range(1, 13).Select(Make).ToList();
        Assert.Equal(["ch1", "ch2", "ch3", "ch4", "ch5", "ch6", "ch7", "ch13"], Attempt.Bounded(chain).Select(a => a.Channel));
        var short8 = chain.Take(8).ToList();
        Assert.Same(short8, Attempt.Bounded(short8));
    }

    [Fact]
    public void Clip_LongText_CutToTheLimit_NeverInsideASurrogatePair()
    {
        Assert.Equal("short", Attempt.Clip("short"));
        var plain = Attempt.Clip(new string('x', 1000))!;
        Assert.Equal(Attempt.MaxErrorChars, plain.Length);
        Assert.EndsWith("…", plain, StringComparison.Ordinal);
        // A pair straddling the cut is left out whole.
        var emoji = Attempt.Clip(new string('x', Attempt.MaxErrorChars - 2) + "😀" + new string('y', 50))!;
        Assert.False(char.IsHighSurrogate(emoji[^2]));
        Assert.True(emoji.Length <= Attempt.MaxErrorChars);
    }

    [Fact]
    public void TextOf_PassedThroughUpstreamBody_KeepsItsStart()
    {
        var passed = new GatewayError(GatewayErrorKind.UpstreamError, 503, "Upstream returned status 503.")
        {
            UpstreamBody = System.Text.Encoding.UTF8.GetBytes("""{"error":{"message":"overloaded","code":"service_unavailable"}}"""),
        };
        Assert.Equal("""Upstream returned status 503. {"error":{"message":"overloaded","code":"service_unavailable"}}""", Attempt.TextOf(passed));
        Assert.Equal("plain", Attempt.TextOf(new GatewayError(GatewayErrorKind.InvalidKey, 401, "plain")));
        Assert.Null(Attempt.TextOf(null));
    }
}
