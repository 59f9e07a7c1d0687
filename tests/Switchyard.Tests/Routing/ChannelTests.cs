using Switchyard.Configuration;
using Switchyard.Routing;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Routing;

public sealed class ChannelTests
{
    private static readonly ManualTimeProvider Time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));

    private static Channel Build(string type, string baseUrl) => new(new ChannelConfig
    {
        Name = "c",
        Type = type,
        BaseUrl = baseUrl,
        Models = ["m"],
    }, new RouterConfig(), Time);

    [Theory]
    [InlineData("anthropic", "https://api.anthropic.com", "https://api.anthropic.com/v1/")]
    [InlineData("anthropic", "https://api.anthropic.com/", "https://api.anthropic.com/v1/")]
    [InlineData("gemini", "https://generativelanguage.googleapis.com", "https://generativelanguage.googleapis.com/v1beta/")]
    [InlineData("gemini", "http://10.0.0.5:8080/", "http://10.0.0.5:8080/v1beta/")]
    [InlineData("openai", "https://api.openai.com", "https://api.openai.com/v1/")]
    [InlineData("openai", "http://127.0.0.1:11434", "http://127.0.0.1:11434/v1/")]
    public void BaseUrl_WithoutAPath_GetsTheFamilyDefaultVersionPath(string type, string configured, string expected)
    {
        Assert.Equal(expected, Build(type, configured).BaseUrl.ToString());
    }

    [Theory]
    [InlineData("openai", "https://api.openai.com/v1", "https://api.openai.com/v1/")]
    [InlineData("openai", "https://open.bigmodel.cn/api/paas/v4/", "https://open.bigmodel.cn/api/paas/v4/")]
    [InlineData("openai", "https://api.groq.com/openai/v1", "https://api.groq.com/openai/v1/")]
    [InlineData("anthropic", "https://gateway.example/anthropic", "https://gateway.example/anthropic/")]
    [InlineData("gemini", "https://generativelanguage.googleapis.com/v1", "https://generativelanguage.googleapis.com/v1/")]
    public void BaseUrl_WithAPath_StaysAsGiven(string type, string configured, string expected)
    {
        Assert.Equal(expected, Build(type, configured).BaseUrl.ToString());
    }
}
