using System.Text.Json;
using Switchyard.MockUpstream;

namespace Switchyard.Tests.MockUpstream;

public sealed class MockUpstreamChatTests
{
    private const string DefaultReply = "Hello from the mock upstream.";

    [Fact]
    public async Task ChatCompletions_PlainRequest_ReturnsOpenAiShapedCompletion()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var body = await host.PostForJsonAsync("v1/chat/completions", MockUpstreamTestHost.Chat("Say hello"));

        Assert.StartsWith("chatcmpl-", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.InRange(body.GetProperty("created").GetInt64(), before, before + 5);
        Assert.Equal("gpt-4o", body.GetProperty("model").GetString());
        Assert.Equal("default", body.GetProperty("service_tier").GetString());
        Assert.StartsWith("fp_", body.GetProperty("system_fingerprint").GetString(), StringComparison.Ordinal);
        var choice = Assert.Single(body.GetProperty("choices").EnumerateArray());
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("logprobs").ValueKind);
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        var message = choice.GetProperty("message");
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal(DefaultReply, message.GetProperty("content").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("refusal").ValueKind);
        Assert.Equal(0, message.GetProperty("annotations").GetArrayLength());
        Assert.False(message.TryGetProperty("tool_calls", out _));
    }

    [Fact]
    public async Task ChatCompletions_Usage_FollowsTokenRule()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        const string system = "You are terse.";
        const string part1 = "What is";
        const string part2 = "the answer ?";
        var request = $$$"""
            {"model":"gpt-4o","messages":[
              {"role":"system","content":"{{{system}}}"},
              {"role":"user","content":[{"type":"text","text":"{{{part1}}}"},{"type":"image_url","image_url":{"url":"data:x"}},{"type":"text","text":"{{{part2}}}"}]}]}
            """;

        var usage = (await host.PostForJsonAsync("v1/chat/completions", request)).GetProperty("usage");

        var expectedPrompt = MockTokens.Count(system) + MockTokens.Count(part1) + MockTokens.Count(part2) + (2 * MockTokens.PerMessageTokens);
        Assert.Equal(3 + 2 + 3 + 6, expectedPrompt);
        Assert.Equal(expectedPrompt, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(5, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(expectedPrompt + 5, usage.GetProperty("total_tokens").GetInt32());
        var promptDetails = usage.GetProperty("prompt_tokens_details");
        Assert.Equal(0, promptDetails.GetProperty("cached_tokens").GetInt32());
        Assert.Equal(0, promptDetails.GetProperty("audio_tokens").GetInt32());
        var completionDetails = usage.GetProperty("completion_tokens_details");
        foreach (var name in new[] { "reasoning_tokens", "audio_tokens", "accepted_prediction_tokens", "rejected_prediction_tokens" })
        {
            Assert.Equal(0, completionDetails.GetProperty(name).GetInt32());
        }
    }

    [Fact]
    public async Task ChatCompletions_CachedAndReasoningDirectives_ReportDetails()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        const string text = "think hard [mock:cached=2] [mock:reasoning=7]";

        var usage = (await host.PostForJsonAsync("v1/chat/completions", MockUpstreamTestHost.Chat(text))).GetProperty("usage");

        var prompt = MockTokens.Count(text) + MockTokens.PerMessageTokens;
        Assert.Equal(prompt, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(2, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(5 + 7, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(7, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal(prompt + 12, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task ChatCompletions_CachedAbovePrompt_ClampedToPromptTokens()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var usage = (await host.PostForJsonAsync("v1/chat/completions", MockUpstreamTestHost.Chat("[mock:cached=500]"))).GetProperty("usage");

        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
    }

    [Fact]
    public async Task ChatCompletions_ReplyDirective_RepliesWithText()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await host.PostForJsonAsync("v1/chat/completions", MockUpstreamTestHost.Chat("x [mock:reply=Bonjour, le monde !] y"));

        Assert.Equal("Bonjour, le monde !", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(4, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Theory]
    [InlineData("max_tokens")]
    [InlineData("max_completion_tokens")]
    public async Task ChatCompletions_MaxTokensBelowReply_TruncatesWithLength(string field)
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await host.PostForJsonAsync("v1/chat/completions", MockUpstreamTestHost.Chat("hi", $"\"{field}\":3"));

        var choice = body.GetProperty("choices")[0];
        Assert.Equal("Hello from the", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(3, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Theory]
    [InlineData("o3", "\"max_tokens\":5", "max_tokens", "unsupported_parameter", "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.")]
    [InlineData("gpt-5.1", "\"temperature\":0.2", "temperature", "unsupported_value", "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.")]
    [InlineData("o4-mini", "\"top_p\":0.9", "top_p", "unsupported_value", "Unsupported value: 'top_p' does not support 0.9 with this model. Only the default (1) value is supported.")]
    public async Task ChatCompletions_ReasoningModel_RefusesWhatOpenAiRefuses(string model, string extra, string param, string code, string message)
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await host.PostAsync("v1/chat/completions", MockUpstreamTestHost.Chat("hi", extra).Replace("\"gpt-4o\"", $"\"{model}\"", StringComparison.Ordinal));

        var error = await ReadErrorAsync(response, 400);
        Assert.Equal(("invalid_request_error", param, code, message),
            (error.GetProperty("type").GetString(), error.GetProperty("param").GetString(), error.GetProperty("code").GetString(), error.GetProperty("message").GetString()));
        var fine = await host.PostForJsonAsync("v1/chat/completions", MockUpstreamTestHost.Chat("hi", "\"max_completion_tokens\":5,\"temperature\":1").Replace("\"gpt-4o\"", $"\"{model}\"", StringComparison.Ordinal));
        Assert.Equal(model, fine.GetProperty("model").GetString());
    }

    [Fact]
    public async Task ChatCompletions_MaxTokensAboveReply_StopsNormally()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await host.PostForJsonAsync("v1/chat/completions", MockUpstreamTestHost.Chat("hi", "\"max_tokens\":5"));

        Assert.Equal("stop", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(DefaultReply, body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task ChatCompletions_ModelEchoed_AnyModelName()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await host.PostForJsonAsync("v1/chat/completions", """{"model":"deepseek-reasoner","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal("deepseek-reasoner", body.GetProperty("model").GetString());
    }

    [Fact]
    public async Task ChatCompletions_MalformedJson_Returns400InvalidRequest()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await host.PostAsync("v1/chat/completions", "{\"model\":");

        var error = await ReadErrorAsync(response, 400);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains("could not parse the JSON body", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_ModelMissing_Returns400()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await host.PostAsync("v1/chat/completions", """{"messages":[{"role":"user","content":"hi"}]}""");

        var error = await ReadErrorAsync(response, 400);
        Assert.Equal("you must provide a model parameter", error.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
    }

    [Fact]
    public async Task ChatCompletions_MessagesMissing_Returns400WithParam()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await host.PostAsync("v1/chat/completions", """{"model":"gpt-4o"}""");

        var error = await ReadErrorAsync(response, 400);
        Assert.Equal("messages", error.GetProperty("param").GetString());
        Assert.Equal("missing_required_parameter", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ChatCompletions_NoAuthorization_Returns401()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var client = host.CreateClient(apiKey: null);

        using var response = await client.PostAsync("v1/chat/completions", new StringContent(MockUpstreamTestHost.Chat("hi")));

        var error = await ReadErrorAsync(response, 401);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.StartsWith("You didn't provide an API key.", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_InvalidKey_Returns401WithMaskedKey()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var client = host.CreateClient("mock-invalid-key");

        using var response = await client.PostAsync("v1/chat/completions", new StringContent(MockUpstreamTestHost.Chat("hi")));

        var error = await ReadErrorAsync(response, 401);
        var message = error.GetProperty("message").GetString()!;
        Assert.StartsWith("Incorrect API key provided: mock-inv***key", message, StringComparison.Ordinal);
        Assert.DoesNotContain("mock-invalid-key", message, StringComparison.Ordinal);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task UnknownPath_Returns404InvalidUrl()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await host.Client.GetAsync(new Uri("v1/nothing", UriKind.Relative));

        var error = await ReadErrorAsync(response, 404);
        Assert.Equal("Invalid URL (GET /v1/nothing)", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Requests_AfterCalls_RecordsMethodPathHeadersAndBody()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        var json = MockUpstreamTestHost.Chat("record me");

        using (await host.PostAsync("v1/chat/completions", json))
        {
        }

        var recorded = Assert.Single(host.Server.Requests);
        Assert.Equal("POST", recorded.Method);
        Assert.Equal("/v1/chat/completions", recorded.Path);
        Assert.Equal(json, recorded.Body);
        Assert.Equal("Bearer " + MockUpstreamTestHost.ApiKey, recorded.Headers["authorization"]);

        host.Server.ClearRequests();
        Assert.Empty(host.Server.Requests);
    }

    [Fact]
    public async Task Requests_ManyCalls_KeepsLastThousand()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        for (var i = 0; i < 1005; i++)
        {
            using var response = await host.Client.GetAsync(new Uri($"v1/models/m{i}", UriKind.Relative));
        }

        var requests = host.Server.Requests;
        Assert.Equal(1000, requests.Count);
        Assert.Equal("/v1/models/m5", requests[0].Path);
        Assert.Equal("/v1/models/m1004", requests[^1].Path);
    }

    [Fact]
    public async Task StartAsync_RecordingOff_RecordsNothing()
    {
        await using var server = await MockUpstreamServer.StartAsync(0, recordRequests: false);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await client.GetAsync(new Uri("v1/models", UriKind.Relative));

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Empty(server.Requests);
        Assert.Equal("127.0.0.1", server.BaseAddress.Host);
        Assert.EndsWith("/", server.BaseAddress.AbsoluteUri, StringComparison.Ordinal);
    }

    internal static async Task<JsonElement> ReadErrorAsync(HttpResponseMessage response, int expectedStatus)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expectedStatus == (int)response.StatusCode, $"expected {expectedStatus}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error").Clone();
        Assert.Equal(JsonValueKind.String, error.GetProperty("message").ValueKind);
        Assert.Equal(JsonValueKind.String, error.GetProperty("type").ValueKind);
        Assert.True(error.TryGetProperty("param", out _));
        Assert.True(error.TryGetProperty("code", out _));
        return error;
    }
}
