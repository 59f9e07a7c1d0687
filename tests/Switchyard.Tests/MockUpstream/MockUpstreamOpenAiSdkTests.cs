using System.ClientModel;
using System.Text;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using OpenAI.Models;
using Switchyard.MockUpstream;

namespace Switchyard.Tests.MockUpstream;

/// <summary>The official OpenAI SDK is the strictest judge of whether the mock's wire format is faithful.</summary>
public sealed class MockUpstreamOpenAiSdkTests
{
    [Fact]
    public async Task ChatClient_CompleteChat_ParsesTextAndUsage()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        var client = new ChatClient("gpt-4o", new ApiKeyCredential("sk-sdk"), Options(host));

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("hi there [mock:cached=1] [mock:reasoning=4]")]);

        Assert.Equal("Hello from the mock upstream.", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(MockTokens.Count("hi there [mock:cached=1] [mock:reasoning=4]") + MockTokens.PerMessageTokens, completion.Usage.InputTokenCount);
        Assert.Equal(1, completion.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(9, completion.Usage.OutputTokenCount);
        Assert.Equal(4, completion.Usage.OutputTokenDetails.ReasoningTokenCount);
    }

    [Fact]
    public async Task ChatClient_CompleteChatStreaming_AssemblesTextAndUsage()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        var client = new ChatClient("gpt-4o", new ApiKeyCredential("sk-sdk"), Options(host));
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;

        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("stream please")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.Equal("Hello from the mock upstream.", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(5, usage.OutputTokenCount);
    }

    [Fact]
    public async Task ChatClient_ToolCall_ParsesFunctionCall()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        var client = new ChatClient("gpt-4o", new ApiKeyCredential("sk-sdk"), Options(host));
        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("lookup", "Looks up.") } };

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("""find [mock:tool_args={"q":"x"}]""")], options);

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("lookup", call.FunctionName);
        Assert.Equal("""{"q":"x"}""", call.FunctionArguments.ToString());
    }

    [Fact]
    public async Task EmbeddingClient_DefaultEncoding_MatchesFloatVector()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        var client = new EmbeddingClient("text-embedding-3-small", new ApiKeyCredential("sk-sdk"), Options(host));

        OpenAIEmbedding embedding = await client.GenerateEmbeddingAsync("embed me");
        var raw = await host.PostForJsonAsync("v1/embeddings", """{"model":"text-embedding-3-small","input":"embed me"}""");

        var expected = raw.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(expected, embedding.ToFloats().ToArray());
    }

    [Fact]
    public async Task ModelClient_GetModels_ListsCatalogue()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        var client = new OpenAIModelClient(new ApiKeyCredential("sk-sdk"), Options(host));

        OpenAIModelCollection models = await client.GetModelsAsync();

        Assert.Contains(models, m => m.Id == "gpt-4o-mini" && m.OwnedBy == "system");
    }

    private static OpenAIClientOptions Options(MockUpstreamTestHost host) => new()
    {
        Endpoint = new Uri(host.Server.BaseAddress, "v1"),
        RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(maxRetries: 0),
    };
}
