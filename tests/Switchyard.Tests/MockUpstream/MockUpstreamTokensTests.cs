using Switchyard.MockUpstream;

namespace Switchyard.Tests.MockUpstream;

public sealed class MockUpstreamTokensTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("   ", 0)]
    [InlineData("one", 1)]
    [InlineData("  one  two\tthree\nfour ", 4)]
    [InlineData("[mock:status=500] hi", 2)]
    public void Count_Text_CountsWhitespaceSeparatedWords(string text, int expected)
    {
        Assert.Equal(expected, MockTokens.Count(text));
    }

    [Fact]
    public void Count_Null_IsZero()
    {
        Assert.Equal(0, MockTokens.Count((string?)null));
    }
}
