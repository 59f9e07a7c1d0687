using Switchyard.Billing;
using Switchyard.Protocols.Canonical;

namespace Switchyard.Tests.Billing;

public sealed class TokenEstimatorTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("abcd", 1)]
    [InlineData("abcde", 2)]
    [InlineData("你好世界", 4)]
    [InlineData("hi 你好", 3)]
    public void Text_CountsLatinByFourAndCjkByOne(string text, long expected) => Assert.Equal(expected, TokenEstimator.Text(text));

    [Fact]
    public void Estimate_AddsMessagesSystemToolsAndImages()
    {
        var request = new ChatRequest
        {
            Model = "m",
            System = [new TextPart("You are terse.")],
            Messages =
            [
                new ChatMessage(ChatRole.User, [new TextPart("What is in this picture?"), new ImagePart(null, "image/png", "AAAA")]),
            ],
            Tools = [new ToolDefinition("look", "Look closer", null)],
        };

        // system 4 + message frame 3 + text 6 + image 1600 + tool name 1 + description 3
        Assert.Equal(4 + 3 + 6 + 1600 + 1 + 3, TokenEstimator.Estimate(request));
    }
}
