using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using OpenAI.Responses;
using Switchyard.Configuration;
using Switchyard.Contracts;
using Switchyard.Tests.TestSupport;

#pragma warning disable OPENAI001 // The Responses client is marked experimental in the SDK.

namespace Switchyard.Tests.Integration;

/// <summary>
/// <c>POST /v1/responses</c> through the gateway with the official OpenAI .NET SDK's ResponsesClient: converted to chat
/// completions and to Anthropic messages, and forwarded natively to a channel marked <c>responses: true</c>.
/// </summary>
public sealed class ResponsesTests : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(customize: WithResponsesChannel);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    /// <summary>Adds openai channels that speak the Responses API: also chat completions (o4-mini), and nothing else (gpt-5-codex).</summary>
    public static GatewayConfig WithResponsesChannel(GatewayConfig config) => config with
    {
        Channels =
        [
            .. config.Channels,
            new ChannelConfig
            {
                Name = "mock-responses",
                Type = "openai",
                Responses = true,
                BaseUrl = config.Channels[0].BaseUrl,
                Keys = ["responses-upstream-key"],
                Models = ["o4-mini"],
            },
            new ChannelConfig
            {
                Name = "mock-responses-only",
                Type = "openai",
                Responses = true,
                ResponsesOnly = true,
                BaseUrl = config.Channels[0].BaseUrl,
                Keys = ["responses-only-key"],
                Models = ["gpt-5-codex"],
            },
        ],
        Models =
        [
            .. config.Models,
            new ModelConfig { Name = "o4-mini", Price = new PriceConfig { Input = 1.10m, Output = 4.40m, CachedInput = 0.275m, Reasoning = 5m } },
        ],
    };

    private ResponsesClient Client() => _gateway.OpenAi().GetResponsesClient();

    [Fact]
    public async Task Sdk_NonStreamToChatUpstream_AnswersAsResponseAndBillsExactUsage()
    {
        var options = new CreateResponseOptions("gpt-4o", [ResponseItem.CreateUserMessageItem("Hello there gateway [mock:cached=2]")])
        {
            Instructions = "Be brief.",
            MaxOutputTokenCount = 256,
            StoredOutputEnabled = false,
        };

        var result = await Client().CreateResponseAsync(options);

        var response = result.Value;
        Assert.Equal("Hello from the mock upstream.", response.GetOutputText());
        Assert.Equal(ResponseStatus.Completed, response.Status);
        Assert.StartsWith("resp_", response.Id);
        Assert.Equal("gpt-4o", response.Model);
        // Mock rule: words and directives + 3 per message (the instructions become a system message); the reply is 5 words.
        Assert.Equal((2 + 3) + (4 + 3), response.Usage.InputTokenCount);
        Assert.Equal(2, response.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(5, response.Usage.OutputTokenCount);
        var sent = JsonDocument.Parse(_gateway.Mock.Requests.Single(r => r.Path == "/v1/chat/completions").Body).RootElement;
        Assert.Equal("system", sent.GetProperty("messages")[0].GetProperty("role").GetString());
        Assert.Equal("Be brief.", sent.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.Equal(256, sent.GetProperty("max_tokens").GetInt32());

        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal(("responses", "gpt-4o", "mock", false), (record.Endpoint, record.ServedModel, record.Channel, record.Stream));
        Assert.Equal(new TokenUsage(12, 5, 2, 0, 0), record.Usage);
        Assert.Equal((10 * 2.50m + 2 * 1.25m + 5 * 10m) / 1_000_000m, record.CostUsd);
    }

    [Fact]
    public async Task Sdk_StreamToChatUpstream_TypedEventsAndUsageInCompleted()
    {
        var options = new CreateResponseOptions("gpt-4o", [ResponseItem.CreateUserMessageItem("Stream to me [mock:reasoning=4]")]) { StreamingEnabled = true };
        var text = new StringBuilder();
        var kinds = new List<string>();
        ResponseResult? completed = null;

        await foreach (var update in await Client().CreateResponseStreamingAsync(options))
        {
            kinds.Add(update.GetType().Name);
            if (update is StreamingResponseOutputTextDeltaUpdate delta)
            {
                text.Append(delta.Delta);
            }
            else if (update is StreamingResponseCompletedUpdate done)
            {
                completed = done.Response;
            }
        }

        Assert.Equal("Hello from the mock upstream.", text.ToString());
        Assert.Equal(
        [
            "StreamingResponseCreatedUpdate", "StreamingResponseInProgressUpdate", "StreamingResponseOutputItemAddedUpdate",
            "StreamingResponseContentPartAddedUpdate",
        ], kinds.Take(4));
        Assert.Equal(["StreamingResponseOutputTextDoneUpdate", "StreamingResponseContentPartDoneUpdate", "StreamingResponseOutputItemDoneUpdate",
            "StreamingResponseCompletedUpdate"], kinds.TakeLast(4));
        Assert.NotNull(completed);
        Assert.Equal("Hello from the mock upstream.", completed.GetOutputText());
        Assert.Equal(4 + 3, completed.Usage.InputTokenCount);
        Assert.Equal(5 + 4, completed.Usage.OutputTokenCount);
        Assert.Equal(4, completed.Usage.OutputTokenDetails.ReasoningTokenCount);
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.True(record.Stream);
        Assert.Equal(new TokenUsage(7, 9, 0, 0, 4), record.Usage);
    }

    [Fact]
    public async Task Sdk_ToAnthropicUpstream_IsConvertedWithThinkingAsReasoningItem()
    {
        var options = new CreateResponseOptions("claude-sonnet-4-5", [ResponseItem.CreateUserMessageItem("Think about it [mock:cached=2]")])
        {
            Instructions = "Be brief.",
            ReasoningOptions = new ResponseReasoningOptions
            {
                ReasoningEffortLevel = ResponseReasoningEffortLevel.Low,
                ReasoningSummaryVerbosity = ResponseReasoningSummaryVerbosity.Auto,
            },
        };

        var response = (await Client().CreateResponseAsync(options)).Value;

        Assert.Equal("Hello from the mock upstream.", response.GetOutputText());
        var reasoning = Assert.IsType<ReasoningResponseItem>(response.OutputItems[0]);
        Assert.False(string.IsNullOrEmpty(reasoning.GetSummaryText()));
        Assert.StartsWith("sy1.", reasoning.EncryptedContent);
        var sent = JsonDocument.Parse(_gateway.Mock.Requests.Single(r => r.Path == "/v1/messages").Body).RootElement;
        Assert.Equal("Be brief.", sent.GetProperty("system").ValueKind == JsonValueKind.String
            ? sent.GetProperty("system").GetString()
            : sent.GetProperty("system")[0].GetProperty("text").GetString());
        Assert.Equal("enabled", sent.GetProperty("thinking").GetProperty("type").GetString());
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal(("responses", "claude-sonnet-4-5", "mock-anthropic"), (record.Endpoint, record.ServedModel, record.Channel));
        Assert.Equal(response.Usage.InputTokenCount, record.Usage.Input);
        Assert.Equal(2, record.Usage.Cached);
        Assert.Equal(response.Usage.OutputTokenCount, record.Usage.Output);
    }

    [Fact]
    public async Task Sdk_NativeChannel_PassesBytesThroughAndTapsUsage()
    {
        var options = new CreateResponseOptions("o4-mini", [ResponseItem.CreateUserMessageItem("Hello natively [mock:cached=2] [mock:reasoning=3]")])
        {
            ReasoningOptions = new ResponseReasoningOptions { ReasoningEffortLevel = ResponseReasoningEffortLevel.Medium },
        };

        var response = (await Client().CreateResponseAsync(options)).Value;

        Assert.Equal("Hello from the mock upstream.", response.GetOutputText());
        var upstream = _gateway.Mock.Requests.Single(r => r.Path == "/v1/responses");
        Assert.Equal("Bearer responses-upstream-key", upstream.Headers["Authorization"]);
        Assert.DoesNotContain(_gateway.Mock.Requests, r => r.Path == "/v1/chat/completions");
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal(("responses", "o4-mini", "mock-responses"), (record.Endpoint, record.ServedModel, record.Channel));
        Assert.Equal(new TokenUsage(response.Usage.InputTokenCount, response.Usage.OutputTokenCount, 2, 0, 3), record.Usage);
        Assert.Equal(3, response.Usage.OutputTokenDetails.ReasoningTokenCount);
    }

    [Fact]
    public async Task Sdk_NativeChannelStream_RelaysEventsAndBillsFromCompleted()
    {
        var options = new CreateResponseOptions("o4-mini", [ResponseItem.CreateUserMessageItem("Stream natively [mock:reasoning=2]")]) { StreamingEnabled = true };
        ResponseResult? completed = null;
        var sequence = new List<int>();

        await foreach (var update in await Client().CreateResponseStreamingAsync(options))
        {
            sequence.Add(update.SequenceNumber);
            completed = (update as StreamingResponseCompletedUpdate)?.Response ?? completed;
        }

        Assert.NotNull(completed);
        Assert.Equal(Enumerable.Range(0, sequence.Count), sequence);
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.True(record.Stream);
        Assert.Equal(new TokenUsage(completed.Usage.InputTokenCount, completed.Usage.OutputTokenCount, 0, 0, 2), record.Usage);
    }

    [Fact]
    public async Task PreviousResponseId_NativeChannel_ContinuesStoredResponse()
    {
        var first = (await Client().CreateResponseAsync(new CreateResponseOptions("o4-mini", [ResponseItem.CreateUserMessageItem("Remember this")]))).Value;

        var second = (await Client().CreateResponseAsync(new CreateResponseOptions("o4-mini", [ResponseItem.CreateUserMessageItem("And now?")])
        {
            PreviousResponseId = first.Id,
        })).Value;

        Assert.Equal("Hello from the mock upstream.", second.GetOutputText());
        Assert.True(second.Usage.InputTokenCount > first.Usage.InputTokenCount);
    }

    [Fact]
    public async Task PreviousResponseId_ConvertedChannel_Answers400InOpenAiShape()
    {
        var response = await _gateway.Http.SendAsync(_gateway.Post("/v1/responses",
            """{"model":"gpt-4o","previous_response_id":"resp_123","input":"go on"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("previous_response_id", error.GetProperty("param").GetString());
        Assert.Contains("responses: true", error.GetProperty("message").GetString());
        Assert.Empty(_gateway.Mock.Requests);
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal(("responses", 400, "invalid_request"), (record.Endpoint, record.Status, record.ErrorKind));
    }

    [Fact]
    public async Task BuiltInTool_ConvertedChannelWithoutEquivalent_LeftOutAndNamedInHeader()
    {
        var response = await _gateway.Http.SendAsync(_gateway.Post("/v1/responses",
            """{"model":"claude-sonnet-4-5","input":"search","tools":[{"type":"web_search"},{"type":"file_search","vector_store_ids":["vs_1"]}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("web_search,file_search", response.Headers.GetValues("x-switchyard-tools-dropped").Single());
        Assert.False(JsonDocument.Parse(_gateway.Mock.Requests[^1].Body).RootElement.TryGetProperty("tools", out _));
        Assert.Equal("hosted tools left out: web_search,file_search", Assert.Single(await _gateway.LedgerAsync(1)).Note);
    }

    [Fact]
    public async Task NativeChannelStreamCut_ErrorEventContinuesTheSequenceNumbers()
    {
        using var response = await _gateway.Http.SendAsync(_gateway.Post("/v1/responses", """{"model":"o4-mini","input":"Stream to me [mock:cut_after=4]","stream":true}"""));
        var body = await response.Content.ReadAsStringAsync();

        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(f => JsonDocument.Parse(f.Split('\n').Single(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..]).RootElement).ToList();
        Assert.Equal(5, events.Count);
        Assert.Equal([0, 1, 2, 3, 4], events.Select(e => e.GetProperty("sequence_number").GetInt32()));
        Assert.Equal("error", events[^1].GetProperty("type").GetString());
        Assert.Equal("upstream_stream_broken", Assert.Single(await _gateway.LedgerAsync(1)).ErrorKind);
    }

    [Fact]
    public async Task MissingKey_Answers401InOpenAiShape()
    {
        var exception = await Assert.ThrowsAsync<ClientResultException>(() =>
            _gateway.OpenAi("sk-sy-wrong-key-000000000000000000000000").GetResponsesClient().CreateResponseAsync(
                new CreateResponseOptions("gpt-4o", [ResponseItem.CreateUserMessageItem("hi")])));

        Assert.Equal(401, exception.Status);
        var error = JsonDocument.Parse(exception.GetRawResponse()!.Content.ToString()).RootElement.GetProperty("error");
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
    }
}
