using System.Net;
using System.Text.Json;
using OpenAI.Chat;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>The official OpenAI .NET SDK against the real gateway in front of the mock upstream.</summary>
public sealed class ChatCompletionsTests : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private static string? Header(System.ClientModel.Primitives.PipelineResponse response, string name) =>
        response.Headers.TryGetValue(name, out var value) ? value : null;

    [Fact]
    public async Task CompleteChat_NonStream_AnswersAndRecordsExactUsage()
    {
        var chat = _gateway.OpenAi().GetChatClient("mini");

        var result = await chat.CompleteChatAsync([new UserChatMessage("Hello there gateway [mock:cached=2] [mock:reasoning=3]")]);

        var completion = result.Value;
        Assert.Equal("Hello from the mock upstream.", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        // Mock rule: words + 3 per message; reply words + reasoning.
        Assert.Equal(5 + 3, completion.Usage.InputTokenCount);
        Assert.Equal(5 + 3, completion.Usage.OutputTokenCount);
        var raw = result.GetRawResponse();
        Assert.Equal("gpt-4o-mini", Header(raw, "x-switchyard-model"));
        Assert.StartsWith("req_", Header(raw, "x-request-id"));
        Assert.True(double.TryParse(Header(raw, "x-switchyard-overhead-ms"), System.Globalization.CultureInfo.InvariantCulture, out _));

        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal(Header(raw, "x-request-id"), record.RequestId);
        Assert.Equal(("client-key", "wang", "team"), (record.KeyName, record.User, record.Group));
        Assert.Equal(("mini", "gpt-4o-mini", "mock"), (record.RequestedModel, record.ServedModel, record.Channel));
        Assert.Equal((200, false, (string?)null), (record.Status, record.Stream, record.ErrorKind));
        Assert.Equal(new Switchyard.Contracts.TokenUsage(8, 8, 2, 0, 3), record.Usage);
        // 6 plain input at 0.15, 2 cached at 0.075, 5 plain output at 0.60, 3 reasoning at 0.90 (USD per 1M).
        Assert.Equal((6 * 0.15m + 2 * 0.075m + 5 * 0.60m + 3 * 0.90m) / 1_000_000m, record.CostUsd);
        Assert.NotNull(record.TtfbMs);
    }

    [Fact]
    public async Task CompleteChatStreaming_RelaysEveryChunkAndBillsFromUpstreamUsage()
    {
        var chat = _gateway.OpenAi().GetChatClient("gpt-4o");

        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Stream please")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
            usage ??= update.Usage;
        }

        Assert.Equal("Hello from the mock upstream.", text.ToString());
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.True(record.Stream);
        Assert.Equal(new Switchyard.Contracts.TokenUsage(2 + 3, 5, 0, 0, 0), record.Usage);
        Assert.Equal((5 * 2.50m + 5 * 10.00m) / 1_000_000m, record.CostUsd);
        if (usage is not null)
        {
            Assert.Equal(5, usage.InputTokenCount);
        }
    }

    [Fact]
    public async Task Stream_ClientDidNotAskForUsage_GetsNoUsageChunkButLedgerHasUsage()
    {
        using var response = await _gateway.Http.SendAsync(
            _gateway.Post("/v1/chat/completions", """{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"count me"}]}"""));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", events[^1]);
        Assert.Single(events, e => e == "data: [DONE]");
        Assert.DoesNotContain("\"prompt_tokens\"", body);
        Assert.All(events, e => Assert.StartsWith("data: ", e));
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal(new Switchyard.Contracts.TokenUsage(2 + 3, 5, 0, 0, 0), record.Usage);
    }

    [Fact]
    public async Task Stream_ClientAskedForUsage_GetsTheUsageChunkBeforeDone()
    {
        using var response = await _gateway.Http.SendAsync(_gateway.Post("/v1/chat/completions",
            """{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"count me"}]}"""));
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("data: [DONE]", events[^1]);
        using var usageChunk = JsonDocument.Parse(events[^2]["data: ".Length..]);
        Assert.Equal(0, usageChunk.RootElement.GetProperty("choices").GetArrayLength());
        Assert.Equal(5, usageChunk.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Stream_UpstreamWithoutDone_GetsExactlyOneDoneAdded()
    {
        using var response = await _gateway.Http.SendAsync(_gateway.Post("/v1/chat/completions",
            """{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"[mock:no_done]"}]}"""));
        var body = await response.Content.ReadAsStringAsync();

        Assert.EndsWith("data: [DONE]\n\n", body);
        Assert.Equal(1, body.Split("[DONE]").Length - 1);
    }

    [Fact]
    public async Task Stream_UsageOnLastChoiceChunk_IsBilled()
    {
        using var response = await _gateway.Http.SendAsync(_gateway.Post("/v1/chat/completions",
            """{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"[mock:usage_in_last_choice_chunk]"}]}"""));
        await response.Content.ReadAsStringAsync();

        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal(1 + 3, record.Usage.Input);
        Assert.Equal(5, record.Usage.Output);
    }

    [Fact]
    public async Task Stream_EventsArriveAsTheyAreProduced()
    {
        // 5 content events 300 ms apart: the first must reach the client long before the last is produced.
        using var request = _gateway.Post("/v1/chat/completions",
            """{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"[mock:chunk_delay_ms=300]"}]}""");
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var response = await _gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer);
        var firstEventAt = started.Elapsed;
        while (await stream.ReadAsync(buffer) > 0)
        {
        }
        var endAt = started.Elapsed;

        Assert.StartsWith("data: ", System.Text.Encoding.UTF8.GetString(buffer, 0, read));
        Assert.True(endAt - firstEventAt > TimeSpan.FromMilliseconds(900), $"first event at {firstEventAt}, end at {endAt}");
    }

    [Fact]
    public async Task CompleteChat_Tools_ReturnsToolCallsAndAcceptsToolResults()
    {
        var chat = _gateway.OpenAi().GetChatClient("gpt-4o");
        var tool = ChatTool.CreateFunctionTool("get_weather", "Weather for a city",
            BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));
        var options = new ChatCompletionOptions { Tools = { tool } };
        List<ChatMessage> messages = [new UserChatMessage("""Weather in Paris? [mock:tool_args={"city":"Paris"}]""")];

        var first = (await chat.CompleteChatAsync(messages, options)).Value;

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("Paris", JsonDocument.Parse(call.FunctionArguments.ToString()).RootElement.GetProperty("city").GetString());

        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, "sunny, 21C"));
        var second = (await chat.CompleteChatAsync(messages, options)).Value;

        Assert.Equal("Tool result received: sunny, 21C", second.Content[0].Text);
    }

    [Fact]
    public async Task CompleteChatStreaming_Tools_StreamsArgumentDeltas()
    {
        var chat = _gateway.OpenAi().GetChatClient("gpt-4o");
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("lookup", "Look up", BinaryData.FromString("""{"type":"object","properties":{"q":{"type":"string"}}}""")) },
        };

        var arguments = new System.Text.StringBuilder();
        string? name = null;
        ChatFinishReason? finish = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("""find [mock:tool_args={"q":"switchyard gateway"}]""")], options))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                name ??= call.FunctionName;
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }
            finish ??= update.FinishReason;
        }

        Assert.Equal("lookup", name);
        Assert.Equal("""{"q":"switchyard gateway"}""", arguments.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
    }

    [Fact]
    public async Task CompleteChat_ModelMap_SendsTheChannelsName()
    {
        var result = await _gateway.OpenAi().GetChatClient("house-model").CompleteChatAsync([new UserChatMessage("hi")]);

        Assert.Equal("gpt-4o", Header(result.GetRawResponse(), "x-switchyard-model"));
        var sent = _gateway.Mock.Requests.Last(r => r.Path == "/v1/chat/completions");
        Assert.Equal("gpt-4o", JsonDocument.Parse(sent.Body).RootElement.GetProperty("model").GetString());
        Assert.Equal("Bearer mock-upstream-key", sent.Headers["Authorization"]);
    }
}
