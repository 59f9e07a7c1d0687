using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Anthropic;
using Anthropic.Core;
using Anthropic.Models.Messages;
using OpenAI.Chat;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>The Anthropic Messages API through the gateway: the official SDK, Claude Code–style traffic, both upstream families.</summary>
public sealed class AnthropicMessagesTests : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(customize: GeminiChannel.Add);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private AnthropicClient Sdk(string key = GatewayHarness.ClientKey) =>
        new(new ClientOptions { ApiKey = key, BaseUrl = _gateway.BaseAddress.ToString().TrimEnd('/'), MaxRetries = 0 });

    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(string path, string json, Action<HttpRequestHeaders>? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
        if (headers is null)
        {
            request.Headers.TryAddWithoutValidation("x-api-key", GatewayHarness.ClientKey);
        }
        else
        {
            headers(request.Headers);
        }
        var response = await _gateway.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    /// <summary>A thinking block the mock issued, with the signature only it can verify.</summary>
    private async Task<(string Thinking, string Signature)> MockThinkingAsync()
    {
        var (_, body, _) = await PostAsync("/v1/messages",
            """{"model":"claude-sonnet-4-5","max_tokens":2048,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"think"}]}""");
        var block = JsonDocument.Parse(body).RootElement.GetProperty("content").EnumerateArray().First(b => b.GetProperty("type").GetString() == "thinking");
        return (block.GetProperty("thinking").GetString()!, block.GetProperty("signature").GetString()!);
    }

    private async Task<string> ClaudeCodeRequestAsync(string model)
    {
        var (thinking, signature) = await MockThinkingAsync();
        var json = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "Integration", "claude-code-request.json"));
        return json.Replace("\"MODEL\"", JsonSerializer.Serialize(model), StringComparison.Ordinal)
            .Replace("\"THINKING\"", JsonSerializer.Serialize(thinking), StringComparison.Ordinal)
            .Replace("\"SIGNATURE\"", JsonSerializer.Serialize(signature), StringComparison.Ordinal);
    }

    private static string Text(Message message) =>
        string.Concat(message.Content.Select(b => b.TryPickText(out var text) ? text.Text : ""));

    [Fact]
    public async Task Sdk_ToAnthropicUpstream_AnswersAndBillsCacheTokensApart()
    {
        var message = await Sdk().Messages.Create(new MessageCreateParams
        {
            Model = "claude-sonnet-4-5",
            MaxTokens = 256,
            Messages = [new UserMessageParam { Content = "Hello [mock:cached=2] [mock:cache_write=1]" }],
        });

        Assert.Equal("Hello from the mock upstream.", Text(message));
        Assert.Equal(3, message.Usage.InputTokens);
        Assert.Equal(2, message.Usage.CacheReadInputTokens);
        Assert.Equal(1, message.Usage.CacheCreationInputTokens);
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal(("messages", "claude-sonnet-4-5", "mock-anthropic"), (record.Endpoint, record.ServedModel, record.Channel));
        Assert.Equal(new Switchyard.Contracts.TokenUsage(6, 5, 2, 1, 0), record.Usage);
        Assert.Equal((3 * 3m + 2 * 0.30m + 1 * 3.75m + 5 * 15m) / 1_000_000m, record.CostUsd);
    }

    [Fact]
    public async Task Sdk_StreamToAnthropicUpstream_RelaysEventsAndBills()
    {
        var text = new StringBuilder();
        await foreach (var streamEvent in Sdk().Messages.CreateStreaming(new MessageCreateParams
        {
            Model = "claude-sonnet-4-5",
            MaxTokens = 256,
            Messages = [new UserMessageParam { Content = "Stream to me" }],
        }))
        {
            if (streamEvent.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var piece))
            {
                text.Append(piece.Text);
            }
        }

        Assert.Equal("Hello from the mock upstream.", text.ToString());
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.True(record.Stream);
        Assert.Equal(new Switchyard.Contracts.TokenUsage(3 + 3, 5, 0, 0, 0), record.Usage);
    }

    [Fact]
    public async Task Sdk_ToOpenAiUpstream_IsConverted()
    {
        var message = await Sdk().Messages.Create(new MessageCreateParams
        {
            Model = "gpt-4o",
            MaxTokens = 256,
            System = "Be brief.",
            Messages = [new UserMessageParam { Content = "Hello over there" }],
        });

        Assert.Equal("Hello from the mock upstream.", Text(message));
        Assert.Equal("end_turn", message.StopReason?.Raw());
        var sent = JsonDocument.Parse(_gateway.Mock.Requests.Last(r => r.Path == "/v1/chat/completions").Body).RootElement;
        Assert.Equal("system", sent.GetProperty("messages")[0].GetProperty("role").GetString());
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        Assert.Equal(("messages", "gpt-4o", "mock"), (record.Endpoint, record.ServedModel, record.Channel));
    }

    [Fact]
    public async Task Sdk_StreamToOpenAiUpstream_IsConvertedWithExactEventSequence()
    {
        var (status, body, _) = await PostAsync("/v1/messages",
            """{"model":"gpt-4o","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(f => f.Split('\n')[0]).ToList();
        Assert.Equal("event: message_start", events[0]);
        Assert.Contains("event: content_block_start", events);
        Assert.Contains("event: content_block_delta", events);
        Assert.Equal(["event: content_block_stop", "event: message_delta", "event: message_stop"], events[^3..]);
        var delta = body.Split("\n\n").Single(f => f.StartsWith("event: message_delta", StringComparison.Ordinal));
        Assert.Contains("\"output_tokens\":5", delta);
        Assert.Contains("\"stop_reason\":\"end_turn\"", delta);
    }

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData(GeminiChannel.Flash)]
    public async Task Stream_ToUpstreamReportingUsageLate_InputEstimateAtMessageStartExactInMessageDelta(string model)
    {
        var (status, body, _) = await PostAsync("/v1/messages",
            $$"""{"model":"{{model}}","max_tokens":100,"stream":true,"system":"You are terse.","messages":[{"role":"user","content":"Tell me about the weather in Paris this weekend, please."}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        JsonElement Usage(string name) => JsonDocument.Parse(body.Split("\n\n").Single(f => f.StartsWith("event: " + name, StringComparison.Ordinal)).Split("\ndata: ")[1])
            .RootElement.GetProperty(name == "message_start" ? "message" : "usage") is var e && name == "message_start" ? e.GetProperty("usage") : e;
        var record = Assert.Single(await _gateway.LedgerAsync(1));
        var atStart = Usage("message_start").GetProperty("input_tokens").GetInt64();
        Assert.InRange(atStart, record.Usage.Input / 2, record.Usage.Input * 2);
        Assert.Equal(record.Usage.Input, Usage("message_delta").GetProperty("input_tokens").GetInt64());
        Assert.Equal(record.Usage.Output, Usage("message_delta").GetProperty("output_tokens").GetInt64());
    }

    [Fact]
    public async Task OpenAiSdk_ToClaudeModel_IsConverted()
    {
        var chat = _gateway.OpenAi().GetChatClient("claude-sonnet-4-5");

        var completion = (await chat.CompleteChatAsync([new UserChatMessage("Hello claude [mock:cached=2]")])).Value;

        Assert.Equal("Hello from the mock upstream.", completion.Content[0].Text);
        Assert.Equal(3 + 3, completion.Usage.InputTokenCount);
        Assert.Equal(2, completion.Usage.InputTokenDetails.CachedTokenCount);
        var sent = _gateway.Mock.Requests.Last(r => r.Path == "/v1/messages");
        Assert.Equal("anthropic-upstream-key", sent.Headers["x-api-key"]);

        var streamed = new StringBuilder();
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("stream it")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                streamed.Append(part.Text);
            }
        }
        Assert.Equal("Hello from the mock upstream.", streamed.ToString());
    }

    [Fact]
    public async Task ApiKeyOrBearer_BothAuthenticate()
    {
        const string json = """{"model":"claude-sonnet-4-5","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}""";

        var viaApiKey = await PostAsync("/v1/messages", json);
        var viaBearer = await PostAsync("/v1/messages", json, h => h.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHarness.ClientKey));

        Assert.Equal(HttpStatusCode.OK, viaApiKey.Status);
        Assert.Equal(HttpStatusCode.OK, viaBearer.Status);
    }

    [Theory]
    [InlineData("sk-sy-wrong-0000000000000000000000", "claude-sonnet-4-5", 401, "authentication_error")]
    [InlineData(GatewayHarness.ClientKey, "claude-17", 404, "not_found_error")]
    [InlineData(GatewayHarness.NarrowKey, "claude-sonnet-4-5", 403, "permission_error")]
    public async Task Errors_UseAnthropicShape(string key, string model, int status, string type)
    {
        var (code, body, _) = await PostAsync("/v1/messages", $$"""{"model":"{{model}}","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}""",
            h => h.TryAddWithoutValidation("x-api-key", key));

        Assert.Equal(status, (int)code);
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal("error", root.GetProperty("type").GetString());
        Assert.Equal(type, root.GetProperty("error").GetProperty("type").GetString());
        Assert.DoesNotContain("sk-sy-wrong", body);
    }

    [Fact]
    public async Task UpstreamOverloaded_PassesThroughAs529()
    {
        var (code, body, _) = await PostAsync("/v1/messages",
            """{"model":"claude-sonnet-4-5","max_tokens":50,"messages":[{"role":"user","content":"[mock:status=529]"}]}""");

        Assert.Equal(529, (int)code);
        Assert.Equal("overloaded_error", JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Thinking_SignatureComesBackByteExact_ToAnthropicUpstream()
    {
        const string first = """{"model":"claude-sonnet-4-5","max_tokens":2048,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"think"}]}""";
        var (status, body, _) = await PostAsync("/v1/messages", first);
        Assert.Equal(HttpStatusCode.OK, status);
        var content = JsonDocument.Parse(body).RootElement.GetProperty("content");
        var thinking = content.EnumerateArray().First(b => b.GetProperty("type").GetString() == "thinking");

        var second = $$"""
            {"model":"claude-sonnet-4-5","max_tokens":2048,"thinking":{"type":"enabled","budget_tokens":1024},
             "messages":[{"role":"user","content":"think"},{"role":"assistant","content":{{content.GetRawText()}}},{"role":"user","content":"again"}]}
            """;
        var (again, againBody, _) = await PostAsync("/v1/messages", second);

        Assert.True(again == HttpStatusCode.OK, againBody);
        Assert.Contains(thinking.GetProperty("signature").GetString()!, _gateway.Mock.Requests[^1].Body);
    }

    [Fact]
    public async Task ClaudeCodeStyleRequest_ToOpenAiUpstream_DoesNotFail()
    {
        var json = await ClaudeCodeRequestAsync("gpt-4o");

        var (status, body, _) = await PostAsync("/v1/messages", json);

        Assert.True(status == HttpStatusCode.OK, body);
        var sent = _gateway.Mock.Requests.Last(r => r.Path == "/v1/chat/completions").Body;
        Assert.DoesNotContain("signature", sent);
        Assert.Contains("\"role\":\"tool\"", sent);
    }

    /// <summary>
    /// OpenAI's reasoning models refuse max_tokens and non-default sampling (the mock answers as OpenAI does):
    /// a converted request names max_completion_tokens, leaves temperature out and turns the budget into an effort.
    /// </summary>
    [Theory]
    [InlineData("o3", true)]
    [InlineData("gpt-5.1", true)]
    [InlineData("gpt-4o", false)]
    public async Task ThinkingRequest_ToOpenAiModel_UsesThatModelsParameters(string model, bool reasoning)
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: c => c with
        {
            Channels = [.. c.Channels.Select(ch => ch.Name == "mock" ? ch with { Models = [.. ch.Models, "o3", "gpt-5.1"] } : ch)],
        });
        using var request = gateway.Post("/v1/messages", $$"""
            {"model":"{{model}}","max_tokens":4096,"temperature":0.5,"thinking":{"type":"enabled","budget_tokens":2000},
             "messages":[{"role":"user","content":"hi"}]}
            """);
        request.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");

        using var response = await gateway.Http.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var sent = JsonDocument.Parse(gateway.Mock.Requests.Single(r => r.Path == "/v1/chat/completions").Body).RootElement;
        Assert.Equal(4096, sent.GetProperty(reasoning ? "max_completion_tokens" : "max_tokens").GetInt32());
        Assert.False(sent.TryGetProperty(reasoning ? "max_tokens" : "max_completion_tokens", out _));
        Assert.Equal(!reasoning, sent.TryGetProperty("temperature", out _));
        Assert.Equal(reasoning ? "low" : null, sent.TryGetProperty("reasoning_effort", out var effort) ? effort.GetString() : null);
    }

    [Fact]
    public async Task DocumentByUrl_ToOpenAiUpstream_Is400InAnthropicShape_AndNothingIsSent()
    {
        var (status, body, _) = await PostAsync("/v1/messages", """
            {"model":"gpt-4o","max_tokens":50,"messages":[{"role":"user","content":[
              {"type":"document","source":{"type":"url","url":"https://example.com/spec.pdf"}},{"type":"text","text":"Summarise."}]}]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains("base64", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_gateway.Mock.Requests, r => r.Path == "/v1/chat/completions");
    }

    [Fact]
    public async Task ClaudeCodeStyleRequest_ToAnthropicUpstream_PassesUnchanged()
    {
        var json = await ClaudeCodeRequestAsync("claude-sonnet-4-5");

        var (status, body, _) = await PostAsync("/v1/messages", json, h =>
        {
            h.TryAddWithoutValidation("x-api-key", GatewayHarness.ClientKey);
            h.TryAddWithoutValidation("anthropic-beta", "interleaved-thinking-2025-05-14");
        });

        Assert.True(status == HttpStatusCode.OK, body);
        var sent = _gateway.Mock.Requests.Last(r => r.Path == "/v1/messages");
        Assert.Equal(json, sent.Body);
        Assert.Equal("interleaved-thinking-2025-05-14", sent.Headers["anthropic-beta"]);
        Assert.Equal("2023-06-01", sent.Headers["anthropic-version"]);
        Assert.Equal("anthropic-upstream-key", sent.Headers["x-api-key"]);
    }

    [Fact]
    public async Task CountTokens_ForwardedToAnthropicAndEstimatedOtherwise()
    {
        const string template = """{"model":"MODEL","messages":[{"role":"user","content":"four words right here"}]}""";

        var (anthropicStatus, anthropicBody, _) = await PostAsync("/v1/messages/count_tokens", template.Replace("MODEL", "claude-sonnet-4-5", StringComparison.Ordinal));
        var (openAiStatus, openAiBody, _) = await PostAsync("/v1/messages/count_tokens", template.Replace("MODEL", "gpt-4o", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, anthropicStatus);
        Assert.Equal(4 + 3, JsonDocument.Parse(anthropicBody).RootElement.GetProperty("input_tokens").GetInt32());
        Assert.Equal(HttpStatusCode.OK, openAiStatus);
        Assert.InRange(JsonDocument.Parse(openAiBody).RootElement.GetProperty("input_tokens").GetInt32(), 4, 20);
    }
}
