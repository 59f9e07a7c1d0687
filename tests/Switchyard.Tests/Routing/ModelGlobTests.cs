using Switchyard.Routing;

namespace Switchyard.Tests.Routing;

public sealed class ModelGlobTests
{
    [Theory]
    [InlineData("claude-opus-*", "claude-opus-4-8", true)]
    [InlineData("claude-opus-*", "claude-opus-", true)]
    [InlineData("claude-opus-*", "claude-sonnet-4-5", false)]
    [InlineData("gemini-*-flash*", "gemini-3.8-flash", true)]
    [InlineData("gemini-*-flash*", "gemini-3.8-flash-lite", true)]
    [InlineData("gemini-*-flash*", "gemini-flash", false)]
    [InlineData("gpt-?o", "gpt-4o", true)]
    [InlineData("gpt-?o", "gpt-40o", false)]
    [InlineData("*", "anything", true)]
    [InlineData("a*b*c", "aXbYbZc", true)]
    [InlineData("a*b*c", "aXbYbZ", false)]
    [InlineData("Claude-*", "claude-opus-4-8", false)]
    public void IsMatch_Pattern_MatchesWholeNameCaseSensitively(string pattern, string name, bool expected)
    {
        Assert.Equal(expected, ModelGlob.IsMatch(pattern, name));
    }

    [Fact]
    public void TryMatch_SeveralPatterns_MostSpecificWinsThenDeclarationOrder()
    {
        var table = new ModelGlobTable<string>([
            ("*", "any"),
            ("gemini-*", "gemini"),
            ("gemini-*-flash*", "flash"),
            ("gemini-*-flash-lite", "lite"),
            ("gemini-?.?-flash*", "versioned-flash"),
            ("gemini-*-pro", "pro-first"),
            ("gemini-2*pro", "pro-second"),
            ("gemini-3*-pro", "pro-third"),
            ("*-4o*", "two-stars"),
            ("gpt*", "one-star"),
        ]);

        Assert.Equal("lite", Match(table, "gemini-3.8-flash-lite"));
        Assert.Equal("versioned-flash", Match(table, "gemini-3.8-flash"));
        Assert.Equal("flash", Match(table, "gemini-10.1-flash"));
        Assert.Equal("gemini", Match(table, "gemini-embedding"));
        Assert.Equal("any", Match(table, "claude-opus-4-8"));
        // More literals win ('3'); with as many literals and stars, the first declared.
        Assert.Equal("pro-third", Match(table, "gemini-3.1-pro"));
        Assert.Equal("pro-first", Match(table, "gemini-2.5-pro"));
        // Three literals each: fewer stars win.
        Assert.Equal("one-star", Match(table, "gpt-4o-mini"));
    }

    [Fact]
    public void TryMatch_NameThatIsItselfAPattern_MatchesNothing()
    {
        var table = new ModelGlobTable<string>([("*", "any")]);

        Assert.False(table.TryMatch("claude-*", out _, out _));
    }

    private static string? Match(ModelGlobTable<string> table, string name) => table.TryMatch(name, out _, out var value) ? value : null;
}
