using System.Text;
using Anthropic;
using Anthropic.Core;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using Switchyard.MockUpstream;

namespace Switchyard.Tests.MockUpstream;

/// <summary>The official Anthropic C# SDK, with response validation on, judges whether the mock's wire format is faithful.</summary>
public sealed class MockUpstreamAnthropicSdkTests
{
    private const string Model = "claude-sonnet-4-5";

    [Fact]
    public async Task Create_ParsesTextStopReasonAndCacheUsage()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var client = Client(host);
        const string text = "hello there [mock:cached=2] [mock:cache_write=1]";

        var message = await client.Messages.Create(new MessageCreateParams
        {
            Model = Model,
            MaxTokens = 256,
            Messages = [new UserMessageParam(text)],
        });

        message.Validate();
        Assert.True(message.Content[0].TryPickText(out var block));
        Assert.Equal(MockReplies.Default, block.Text);
        Assert.Equal(StopReason.EndTurn, message.StopReason!.Value());
        var prompt = MockTokens.Count(text) + MockTokens.PerMessageTokens;
        Assert.Equal(prompt - 3, message.Usage.InputTokens);
        Assert.Equal(2, message.Usage.CacheReadInputTokens);
        Assert.Equal(1, message.Usage.CacheCreationInputTokens);
        Assert.Equal(5, message.Usage.OutputTokens);
    }

    [Fact]
    public async Task CreateStreaming_AssemblesTextAndFinalUsage()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var client = Client(host);
        var text = new StringBuilder();
        long outputTokens = 0;
        ApiEnum<string, StopReason>? stopReason = null;

        await foreach (var streamEvent in client.Messages.CreateStreaming(new MessageCreateParams
        {
            Model = Model,
            MaxTokens = 256,
            Messages = [new UserMessageParam("stream it")],
        }))
        {
            streamEvent.Validate();
            if (streamEvent.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var textDelta))
            {
                text.Append(textDelta.Text);
            }
            else if (streamEvent.TryPickDelta(out var messageDelta))
            {
                outputTokens = messageDelta.Usage.OutputTokens;
                stopReason = messageDelta.Delta.StopReason;
            }
        }

        Assert.Equal(MockReplies.Default, text.ToString());
        Assert.Equal(5, outputTokens);
        Assert.Equal(StopReason.EndTurn, stopReason!.Value());
    }

    [Fact]
    public async Task Create_ThinkingThenToolUse_ParsesBlocks()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var client = Client(host);

        var message = await client.Messages.Create(new MessageCreateParams
        {
            Model = Model,
            MaxTokens = 2048,
            Thinking = new ThinkingConfigEnabled(1024),
            Tools = [new Tool { Name = "get_weather", InputSchema = new() }],
            Messages = [new UserMessageParam("""weather? [mock:tool_args={"city":"Lima"}]""")],
        });

        message.Validate();
        Assert.True(message.Content[0].TryPickThinking(out var thinking));
        Assert.Equal(MockReplies.Thinking, thinking.Thinking);
        Assert.False(string.IsNullOrEmpty(thinking.Signature));
        Assert.True(message.Content[1].TryPickToolUse(out var toolUse));
        Assert.Equal("get_weather", toolUse.Name);
        Assert.Equal("Lima", toolUse.Input["city"].GetString());
        Assert.Equal(StopReason.ToolUse, message.StopReason!.Value());
    }

    [Fact]
    public async Task Create_ThinkingBlockSentBackThroughSdk_IsAccepted()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var client = Client(host);
        var first = await client.Messages.Create(new MessageCreateParams
        {
            Model = Model,
            MaxTokens = 2048,
            Thinking = new ThinkingConfigEnabled(1024),
            Messages = [new UserMessageParam("think")],
        });
        Assert.True(first.Content[0].TryPickThinking(out var thinking));

        var second = await client.Messages.Create(new MessageCreateParams
        {
            Model = Model,
            MaxTokens = 2048,
            Thinking = new ThinkingConfigEnabled(1024),
            Messages =
            [
                new UserMessageParam("think"),
                new AssistantMessageParam(new MessageContentParam(
                [
                    new ContentBlockParam(new ThinkingBlockParam { Thinking = thinking.Thinking, Signature = thinking.Signature }, null),
                    new ContentBlockParam(new TextBlockParam { Text = MockReplies.Default }, null),
                ], null)),
                new UserMessageParam("again"),
            ],
        });

        Assert.Equal(StopReason.EndTurn, second.StopReason!.Value());
    }

    [Fact]
    public async Task CountTokens_ReturnsPromptTokens()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var client = Client(host);

        var count = await client.Messages.CountTokens(new MessageCountTokensParams
        {
            Model = Model,
            Messages = [new UserMessageParam("three little words")],
        });

        Assert.Equal(3 + MockTokens.PerMessageTokens, count.InputTokens);
    }

    [Fact]
    public async Task Create_OverloadedStatus_ThrowsWithStatusCode()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var client = Client(host);

        var error = await Assert.ThrowsAnyAsync<AnthropicApiException>(() => client.Messages.Create(new MessageCreateParams
        {
            Model = Model,
            MaxTokens = 16,
            Messages = [new UserMessageParam("[mock:status=529]")],
        }));

        Assert.Equal(529, (int)error.StatusCode);
        Assert.Contains("overloaded_error", error.ResponseBody, StringComparison.Ordinal);
    }

    private static AnthropicClient Client(MockUpstreamTestHost host) => new(new ClientOptions
    {
        ApiKey = "sk-ant-sdk",
        BaseUrl = host.Server.BaseAddress.ToString().TrimEnd('/'),
        MaxRetries = 0,
        ResponseValidation = true,
    });
}
