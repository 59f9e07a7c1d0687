using Switchyard.Billing;
using Switchyard.Contracts.Canonical;

namespace Switchyard.Tests.Billing;

public sealed class TokenEstimatorTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("abcdef", 1)]
    [InlineData("abcdefg", 2)]
    [InlineData("a b c", 3)]
    [InlineData("{\"a\":1}", 5)]
    [InlineData("你好世界", 4)]
    [InlineData("hi 你好", 3)]
    public void Text_CountsWordsPunctuationAndCjk(string text, long expected) => Assert.Equal(expected, TokenEstimator.Text(text));

    private sealed record Sample(string Name, string Text);

    private sealed record Reference(string Name, int Anthropic, int O200k);

    /// <summary>
    /// The estimator against real tokenizers' counts of the same texts (tools/TokenReference computes them with
    /// Anthropic's published tokenizer and OpenAI's o200k_base). The documented error bounds are what this measures.
    /// </summary>
    [Fact]
    public void Text_SampleSet_StaysWithinTheDocumentedError()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestData", "TokenEstimator");
        var options = new System.Text.Json.JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        var samples = System.Text.Json.JsonSerializer.Deserialize<List<Sample>>(File.ReadAllText(Path.Combine(folder, "samples.json")), options)!;
        var reference = System.Text.Json.JsonSerializer.Deserialize<List<Reference>>(File.ReadAllText(Path.Combine(folder, "reference.json")), options)!
            .ToDictionary(r => r.Name);

        var errors = samples.Select(s => Math.Abs(TokenEstimator.Text(s.Text) - reference[s.Name].Anthropic) / (double)reference[s.Name].Anthropic).ToList();

        Assert.Equal(16, errors.Count);
        Assert.InRange(errors.Average(), 0, 0.13);
        Assert.InRange(errors.Max(), 0, 0.33);
    }

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

        // system "You are terse." 4 + message frame 3 + "What is in this picture?" 7 (picture: 2) + image 1600 + "look" 1 + "Look closer" 2
        Assert.Equal(4 + 3 + 7 + 1600 + 1 + 2, TokenEstimator.Estimate(request));
    }
}
