using System.Net;
using System.Text;
using System.Text.Json;
using OpenAI.Chat;
using Switchyard.Contracts;
using Switchyard.Pricing;
using Switchyard.Tests.TestSupport;

#pragma warning disable OPENAI001 // reasoning effort is what the test sends

namespace Switchyard.Tests.Integration;

/// <summary>OpenAI-chat and Anthropic clients served by a <c>type: gemini</c> channel, with exact usage and cost in the ledger.</summary>
public sealed class GeminiChannelTests : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(customize: GeminiChannel.Add);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private static decimal FlashCost(TokenUsage usage) => PriceBook.Cost(GeminiChannel.FlashPrice, usage);

    [Fact]
    public async Task OpenAiSdk_NonStream_IsAnsweredByGeminiWithTheKeyInItsHeader()
    {
        var chat = _gateway.OpenAi().GetChatClient(GeminiChannel.Flash);

        var completion = (await chat.CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Hello gemini [mock:cached=3]")])).Value;

        Assert.Equal("Hello from the mock upstream.", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        // Two contents (system instruction and user turn): 2 + 3 words, 3 framing tokens each.
        Assert.Equal(2 + 3 + 3 + 3, completion.Usage.InputTokenCount);
        Assert.Equal(5, completion.Usage.OutputTokenCount);
        Assert.Equal(3, completion.Usage.InputTokenDetails.CachedTokenCount);
        var sent = _gateway.Mock.Requests.Single(r => r.Path.StartsWith("/v1beta/", StringComparison.Ordinal));
        Assert.Equal("/v1beta/models/gemini-2.5-flash:generateContent", sent.Path);
        Assert.Equal(GeminiChannel.UpstreamKey, sent.Headers["x-goog-api-key"]);
        Assert.False(sent.Headers.ContainsKey("Authorization"));

        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal(("chat.completions", "mock-gemini", GeminiChannel.Flash, 200), (record.Endpoint, record.Channel, record.ServedModel, record.Status));
        Assert.Equal(new TokenUsage(11, 5, 3, 0, 0), record.Usage);
        Assert.Equal((8 * 0.30m + 3 * 0.075m + 5 * 2.50m) / 1_000_000m, record.CostUsd);
    }

    [Fact]
    public async Task OpenAiSdk_Stream_JoinsTheTextAndBillsThoughtsAtTheReasoningPrice()
    {
        var chat = _gateway.OpenAi().GetChatClient(GeminiChannel.Flash);
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;

        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("think a little [mock:reasoning=7]")],
            new ChatCompletionOptions { ReasoningEffortLevel = ChatReasoningEffortLevel.Low }))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.Equal("Hello from the mock upstream.", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.Equal(4 + 3, usage!.InputTokenCount);
        Assert.Equal(5 + 7, usage.OutputTokenCount);
        Assert.Equal(7, usage.OutputTokenDetails.ReasoningTokenCount);
        var sent = _gateway.Mock.Requests.Single(r => r.Path.StartsWith("/v1beta/", StringComparison.Ordinal));
        Assert.Equal("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", sent.Path);
        Assert.Contains("\"thinkingBudget\":1024", sent.Body, StringComparison.Ordinal);

        var record = Assert.Single(await _gateway.LedgerAsync(1));
        var expected = new TokenUsage(7, 12, 0, 0, 7);
        Assert.Equal(expected, record.Usage);
        Assert.True(record.Stream);
        Assert.Equal((7 * 0.30m + 5 * 2.50m + 7 * 3.50m) / 1_000_000m, record.CostUsd);
        Assert.Equal(FlashCost(expected), record.CostUsd);
    }

    [Fact]
    public async Task OpenAiClient_ToolCallRoundTrip_PairsTheResultWithItsFunctionByName()
    {
        const string tools = """[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]""";
        var first = await PostJsonAsync("/v1/chat/completions", $$"""
            {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Weather in Paris? [mock:tool_args={\"city\":\"Paris\"}]"}],"tools":{{tools}}}
            """);
        var message = first.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("tool_calls", first.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var call = message.GetProperty("tool_calls")[0];
        var id = call.GetProperty("id").GetString()!;
        Assert.StartsWith("call_", id, StringComparison.Ordinal);
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        JsonAssert.Equal("""{"city":"Paris"}""", call.GetProperty("function").GetProperty("arguments").GetString()!);

        var second = await PostJsonAsync("/v1/chat/completions", $$$"""
            {"model":"gemini-2.5-flash","tools":{{{tools}}},"messages":[
              {"role":"user","content":"Weather in Paris?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"{{{id}}}","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"{{{id}}}","content":"{\"temp_c\":21}"}]}
            """);

        Assert.Equal("stop", second.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var sent = _gateway.Mock.Requests.Last(r => r.Path.StartsWith("/v1beta/", StringComparison.Ordinal));
        using var body = JsonDocument.Parse(sent.Body);
        var response = body.RootElement.GetProperty("contents")[2].GetProperty("parts")[0].GetProperty("functionResponse");
        Assert.Equal("get_weather", response.GetProperty("name").GetString());
        JsonAssert.Equal("""{"temp_c":21}""", response.GetProperty("response").GetRawText());
        Assert.Equal("Tool result received: {\"temp_c\":21}", second.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task AnthropicClient_StreamWithThinking_GetsThinkingThenTextAndExactUsage()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = new StringContent("""
                {"model":"gemini-2.5-pro","max_tokens":1000,"stream":true,"thinking":{"type":"enabled","budget_tokens":1024},
                 "messages":[{"role":"user","content":"ponder this [mock:cached=2]"}]}
                """, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("x-api-key", GatewayHarness.ClientKey);
        request.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");

        using var response = await _gateway.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var frames = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("event: message_start", frames[0], StringComparison.Ordinal);
        Assert.Contains(frames, f => f.Contains("\"type\":\"thinking_delta\"", StringComparison.Ordinal));
        Assert.Contains(frames, f => f.Contains("\"type\":\"text_delta\"", StringComparison.Ordinal));
        Assert.StartsWith("event: message_stop", frames[^1], StringComparison.Ordinal);
        var sent = _gateway.Mock.Requests.Single(r => r.Path.StartsWith("/v1beta/", StringComparison.Ordinal));
        Assert.Contains("\"thinkingConfig\":{\"includeThoughts\":true,\"thinkingBudget\":1024}", sent.Body, StringComparison.Ordinal);

        var record = Assert.Single(await _gateway.LedgerAsync(1));
        var delta = frames.Single(f => f.StartsWith("event: message_delta", StringComparison.Ordinal));
        Assert.Contains($"\"output_tokens\":{5 + record.Usage.Reasoning}", delta, StringComparison.Ordinal);
        Assert.Contains("\"cache_read_input_tokens\":2", delta, StringComparison.Ordinal);
        Assert.Equal(("messages", "mock-gemini"), (record.Endpoint, record.Channel));
        Assert.True(record.Usage.Reasoning > 0);
        Assert.Equal(new TokenUsage(3 + 3, 5 + record.Usage.Reasoning, 2, 0, record.Usage.Reasoning), record.Usage);
        // Pro has no reasoning price: thoughts are billed as output.
        Assert.Equal((4 * 1.25m + 2 * 0.3125m + (5 + record.Usage.Reasoning) * 10m) / 1_000_000m, record.CostUsd);
    }

    [Fact]
    public async Task UpstreamQuotaError_ReachesTheOpenAiClientAs429()
    {
        using var response = await _gateway.Http.SendAsync(_gateway.Post("/v1/chat/completions",
            """{"model":"gemini-2.5-flash","messages":[{"role":"user","content":"[mock:status=429]"}]}"""));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Contains("You exceeded your current quota", body, StringComparison.Ordinal);
        Assert.DoesNotContain(GeminiChannel.UpstreamKey, body, StringComparison.Ordinal);
    }

    private async Task<JsonElement> PostJsonAsync(string path, string json)
    {
        using var response = await _gateway.Http.SendAsync(_gateway.Post(path, json));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
