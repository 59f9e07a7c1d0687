using System.Text;
using System.Text.Json;
using Anthropic;
using Anthropic.Models.Messages;
using OpenAI.Chat;
using Switchyard.Contracts;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>
/// Other protocols served by channels that speak the Responses API: Anthropic clients on an openai channel with
/// <c>responses: true</c>, chat-completions clients on one with <c>responses: only</c>.
/// </summary>
public sealed class ResponsesUpstreamTests : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(customize: ResponsesTests.WithResponsesChannel);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private AnthropicClient Anthropic() =>
        new(new Anthropic.Core.ClientOptions { ApiKey = GatewayHarness.ClientKey, BaseUrl = _gateway.BaseAddress.ToString().TrimEnd('/'), MaxRetries = 0 });

    private JsonElement SentToResponses() =>
        JsonDocument.Parse(_gateway.Mock.Requests.Single(r => r.Path == "/v1/responses").Body).RootElement;

    [Fact]
    public async Task AnthropicSdk_ToResponsesChannel_SentAsResponsesAndBilledWithReasoning()
    {
        var message = await Anthropic().Messages.Create(new MessageCreateParams
        {
            Model = "o4-mini",
            MaxTokens = 256,
            System = "Be brief.",
            Messages = [new UserMessageParam { Content = "Hello over there [mock:cached=2] [mock:reasoning=3]" }],
        });

        Assert.Equal("Hello from the mock upstream.", string.Concat(message.Content.Select(b => b.TryPickText(out var t) ? t.Text : "")));
        Assert.Equal("end_turn", message.StopReason?.Raw());
        var sent = SentToResponses();
        Assert.Equal("Be brief.", sent.GetProperty("instructions").GetString());
        Assert.Equal("input_text", sent.GetProperty("input")[0].GetProperty("content")[0].GetProperty("type").GetString());
        Assert.False(sent.GetProperty("store").GetBoolean());
        Assert.DoesNotContain(_gateway.Mock.Requests, r => r.Path == "/v1/chat/completions");
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal(("messages", "o4-mini", "mock-responses"), (record.Endpoint, record.ServedModel, record.Channel));
        // Mock rule: words and directives + 3 per message, instructions counted as one; reply 5 words + 3 reasoning.
        Assert.Equal(new TokenUsage((2 + 3) + (5 + 3), 5 + 3, 2, 0, 3), record.Usage);
        Assert.Equal(message.Usage.InputTokens + message.Usage.CacheReadInputTokens, record.Usage.Input);
        Assert.Equal((11 * 1.10m + 2 * 0.275m + 5 * 4.40m + 3 * 5m) / 1_000_000m, record.CostUsd);
    }

    [Fact]
    public async Task AnthropicSdk_StreamWithToolsToResponsesChannel_ToolUseBlocksAndUsage()
    {
        var stopReason = "";
        var toolJson = new StringBuilder();
        string? toolName = null;
        await foreach (var streamEvent in Anthropic().Messages.CreateStreaming(new MessageCreateParams
        {
            Model = "o4-mini",
            MaxTokens = 256,
            Tools = [new Tool { Name = "get_weather", InputSchema = new InputSchema { Properties = new Dictionary<string, JsonElement>() } }],
            Messages = [new UserMessageParam { Content = "Weather? [mock:tool_args={\"city\":\"Lima\"}]" }],
        }))
        {
            if (streamEvent.TryPickContentBlockStart(out var start) && start.ContentBlock.TryPickToolUse(out var toolUse))
            {
                toolName = toolUse.Name;
            }
            else if (streamEvent.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickInputJson(out var json))
            {
                toolJson.Append(json.PartialJson);
            }
            else if (streamEvent.TryPickDelta(out var messageDelta))
            {
                stopReason = messageDelta.Delta.StopReason?.Raw() ?? stopReason;
            }
        }

        Assert.Equal(("get_weather", """{"city":"Lima"}""", "tool_use"), (toolName, toolJson.ToString(), stopReason));
        Assert.True(SentToResponses().GetProperty("stream").GetBoolean());
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.True(record.Stream);
        Assert.True(record.Usage.Input > 0 && record.Usage.Output > 0);
    }

    [Fact]
    public async Task ChatSdk_ToResponsesOnlyChannel_ConvertedInsteadOfForwarded()
    {
        var completion = (await _gateway.OpenAi().GetChatClient("gpt-5-codex").CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Hello [mock:reasoning=2]")])).Value;

        Assert.Equal("Hello from the mock upstream.", completion.Content[0].Text);
        Assert.Equal(2, completion.Usage.OutputTokenDetails.ReasoningTokenCount);
        Assert.Equal("Be brief.", SentToResponses().GetProperty("instructions").GetString());
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal(("chat.completions", "mock-responses-only"), (record.Endpoint, record.Channel));
        Assert.Equal(new TokenUsage(completion.Usage.InputTokenCount, completion.Usage.OutputTokenCount, 0, 0, 2), record.Usage);
    }

    [Fact]
    public async Task ChatSdk_ToResponsesAlsoChannel_StillTakesTheFastPath()
    {
        await _gateway.OpenAi().GetChatClient("o4-mini").CompleteChatAsync([new UserChatMessage("Hello")]);

        Assert.Single(_gateway.Mock.Requests, r => r.Path == "/v1/chat/completions");
        Assert.DoesNotContain(_gateway.Mock.Requests, r => r.Path == "/v1/responses");
    }
}
