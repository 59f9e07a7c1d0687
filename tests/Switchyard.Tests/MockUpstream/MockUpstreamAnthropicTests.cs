using System.Text.Json;
using Switchyard.MockUpstream;
using static Switchyard.Tests.MockUpstream.ProtocolClient;

namespace Switchyard.Tests.MockUpstream;

public sealed class MockUpstreamAnthropicTests
{
    private const string Reply = "Hello from the mock upstream.";

    public static string Message(string userText, string? extra = null, int maxTokens = 1024) =>
        $$"""{"model":"claude-sonnet-4-5","max_tokens":{{maxTokens}},"messages":[{"role":"user","content":{{Json(userText)}}}]{{(extra is null ? "" : "," + extra)}}}""";

    [Fact]
    public async Task Models_WithAnthropicAuth_AreAnthropicModelObjects()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var client = host.CreateClient(apiKey: null);
        async Task<HttpResponseMessage> GetAsync(string path, string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            foreach (var (name, value) in AnthropicHeaders(key))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
            return await client.SendAsync(request);
        }

        var list = await ReadJsonAsync(await GetAsync("v1/models", "sk-ant-test"));
        var first = list.GetProperty("data")[0];
        Assert.Equal(("model", first.GetProperty("id").GetString()), (first.GetProperty("type").GetString(), list.GetProperty("first_id").GetString()));
        Assert.False(list.GetProperty("has_more").GetBoolean());
        Assert.Contains("claude-sonnet-4-5", list.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));

        var one = await ReadJsonAsync(await GetAsync("v1/models/claude-sonnet-4-5", "sk-ant-test"));
        Assert.Equal("Claude Sonnet 4.5", one.GetProperty("display_name").GetString());
        var missing = await ReadJsonAsync(await GetAsync("v1/models/gpt-4o", "sk-ant-test"), status: 404);
        Assert.Equal("not_found_error", missing.GetProperty("error").GetProperty("type").GetString());
        var invalid = await ReadJsonAsync(await GetAsync("v1/models", "mock-invalid-key"), status: 401);
        Assert.Equal("authentication_error", invalid.GetProperty("error").GetProperty("type").GetString());

        // A bearer caller still gets OpenAI's list on the same path.
        var openAi = await ReadJsonAsync(await host.Client.GetAsync("v1/models"));
        Assert.Equal("list", openAi.GetProperty("object").GetString());
    }

    [Fact]
    public async Task Messages_PlainRequest_ReturnsAnthropicMessage()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await AnthropicAsync(host, Message("Say hello"));

        var body = await ReadJsonAsync(response);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("req_", response.Headers.GetValues("request-id").Single(), StringComparison.Ordinal);
        Assert.StartsWith("msg_", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("message", body.GetProperty("type").GetString());
        Assert.Equal("assistant", body.GetProperty("role").GetString());
        Assert.Equal("claude-sonnet-4-5", body.GetProperty("model").GetString());
        var block = Assert.Single(body.GetProperty("content").EnumerateArray());
        Assert.Equal("""{"type":"text","text":"Hello from the mock upstream."}""", block.GetRawText());
        Assert.Equal("end_turn", body.GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("stop_sequence").ValueKind);
        var usage = body.GetProperty("usage");
        Assert.Equal(MockTokens.Count("Say hello") + MockTokens.PerMessageTokens, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(5, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("cache_creation_input_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal("standard", usage.GetProperty("service_tier").GetString());
    }

    [Fact]
    public async Task Messages_CacheDirectives_InputTokensExcludeCacheReadsAndWrites()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        const string text = "a long prompt worth caching [mock:cached=4] [mock:cache_write=3]";
        var prompt = MockTokens.Count(text) + MockTokens.PerMessageTokens;

        var usage = (await ReadJsonAsync(await AnthropicAsync(host, Message(text)))).GetProperty("usage");

        Assert.Equal(4, usage.GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(3, usage.GetProperty("cache_creation_input_tokens").GetInt32());
        Assert.Equal(3, usage.GetProperty("cache_creation").GetProperty("ephemeral_5m_input_tokens").GetInt32());
        Assert.Equal(prompt - 4 - 3, usage.GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public async Task Messages_SystemBlocksAndToolResults_CountByTokenRule()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        const string request = """
            {"model":"claude-x","max_tokens":100,
             "system":[{"type":"text","text":"You are terse.","cache_control":{"type":"ephemeral"}}],
             "messages":[
               {"role":"user","content":[{"type":"text","text":"What is"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}}]},
               {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"calc","input":{"x":1}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"forty two"}]}]}]}
            """;

        var body = await ReadJsonAsync(await AnthropicAsync(host, request));

        Assert.Equal(3 + 2 + 0 + 2 + (4 * MockTokens.PerMessageTokens), body.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(MockReplies.ToolResultPrefix + "forty two", body.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Messages_SystemRoleInsideMessages_CountsLikeAnyTurn()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        const string request = """{"model":"claude-x","max_tokens":10,"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}]}""";

        var body = await ReadJsonAsync(await AnthropicAsync(host, request));

        Assert.Equal(2 + 1 + (2 * MockTokens.PerMessageTokens), body.GetProperty("usage").GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public async Task CountTokens_ReturnsWholePromptByTokenRule()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        const string request = """{"model":"claude-x","system":"be brief","messages":[{"role":"user","content":"count me please [mock:cached=2]"}]}""";

        var body = await ReadJsonAsync(await AnthropicAsync(host, request, "v1/messages/count_tokens"));

        // Cache directives do not change the count: it is the whole prompt, however it would be billed.
        Assert.Equal($$"""{"input_tokens":{{2 + 4 + (2 * MockTokens.PerMessageTokens)}}}""", body.GetRawText());
    }

    [Fact]
    public async Task Messages_MaxTokens_CutsReplyWithMaxTokensStopReason()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await ReadJsonAsync(await AnthropicAsync(host, Message("hi", maxTokens: 2)));

        Assert.Equal("Hello from", body.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("max_tokens", body.GetProperty("stop_reason").GetString());
        Assert.Equal(2, body.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task Messages_StopSequence_CutsBeforeItAndNamesIt()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await ReadJsonAsync(await AnthropicAsync(host, Message("hi", "\"stop_sequences\":[\"zzz\",\" mock\"]")));

        Assert.Equal("Hello from the", body.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("stop_sequence", body.GetProperty("stop_reason").GetString());
        Assert.Equal(" mock", body.GetProperty("stop_sequence").GetString());
    }

    [Fact]
    public async Task Messages_BearerToken_IsAcceptedLikeApiKey()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await PostAsync(host, "v1/messages", Message("hi"), [("Authorization", "Bearer sk-ant"), ("anthropic-version", "2026-10-21")]);

        Assert.Equal(Reply, (await ReadJsonAsync(response)).GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData(null, AnthropicVersion, 401, "authentication_error", "x-api-key header is required")]
    [InlineData("mock-invalid-key", AnthropicVersion, 401, "authentication_error", "invalid x-api-key")]
    [InlineData("sk-ant", null, 400, "invalid_request_error", "anthropic-version: header is required")]
    public async Task Messages_BadCredentialsOrVersion_AnswersAnthropicError(string? key, string? version, int status, string type, string message)
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        var headers = new List<(string, string)>();
        if (key is not null)
        {
            headers.Add(("x-api-key", key));
        }

        if (version is not null)
        {
            headers.Add(("anthropic-version", version));
        }

        using var response = await PostAsync(host, "v1/messages", Message("hi"), headers);

        AssertError(await ReadJsonAsync(response, status), type, message);
    }

    [Theory]
    [InlineData("""{"model":"claude-x","messages":[{"role":"user","content":"hi"}]}""", "max_tokens: Field required")]
    [InlineData("""{"max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""", "model: Field required")]
    [InlineData("""{"model":"claude-x","max_tokens":5}""", "messages: Field required")]
    [InlineData("""{"model":"claude-x","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":""}]}]}""", "messages: text content blocks must be non-empty")]
    [InlineData("""{"model":"claude-x","max_tokens":5,"messages":[{"role":"user","content":""}]}""", "messages: text content blocks must be non-empty")]
    [InlineData("""{"model":"claude-x","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":"  "}]}]}""", "messages: text content blocks must contain non-whitespace text")]
    [InlineData("""{"model":"claude-x","max_tokens":5,"system":[{"type":"text","text":""}],"messages":[{"role":"user","content":"hi"}]}""", "system: text content blocks must be non-empty")]
    [InlineData("""{"model":"claude-x","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"thinking":{"type":"enabled","budget_tokens":100}}""", "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024")]
    [InlineData("""{"model":"claude-x","max_tokens":5,"messages":[{"role":"tool","content":"hi"}]}""", "messages.0.role: Input should be 'user', 'assistant' or 'system'")]
    public async Task Messages_InvalidBody_Answers400InvalidRequest(string request, string message)
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await AnthropicAsync(host, request);

        AssertError(await ReadJsonAsync(response, 400), "invalid_request_error", message);
    }

    [Fact]
    public async Task Messages_MalformedJson_Answers400InvalidRequest()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await AnthropicAsync(host, "{not json");

        Assert.Equal("invalid_request_error", (await ReadJsonAsync(response, 400)).GetProperty("error").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(403, "permission_error")]
    [InlineData(404, "not_found_error")]
    [InlineData(413, "request_too_large")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(500, "api_error")]
    [InlineData(529, "overloaded_error")]
    public async Task Messages_StatusDirective_AnswersAnthropicErrorType(int status, string type)
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await AnthropicAsync(host, Message($"hi [mock:status={status}] [mock:retry_after=7]", "\"stream\":true"));

        var body = await ReadJsonAsync(response, status);
        Assert.Equal("error", body.GetProperty("type").GetString());
        Assert.Equal(type, body.GetProperty("error").GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetProperty("message").GetString()));
        Assert.Equal(response.Headers.GetValues("request-id").Single(), body.GetProperty("request_id").GetString());
        Assert.Equal(status == 429 ? TimeSpan.FromSeconds(7) : null, response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Messages_Recorded_InJournal()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await AnthropicAsync(host, Message("journal me"));

        var recorded = Assert.Single(host.Server.Requests);
        Assert.Equal("/v1/messages", recorded.Path);
        Assert.Equal(AnthropicVersion, recorded.Headers["anthropic-version"]);
        Assert.Contains("journal me", recorded.Body, StringComparison.Ordinal);
    }

    internal static void AssertError(JsonElement body, string type, string message)
    {
        Assert.Equal("error", body.GetProperty("type").GetString());
        Assert.Equal(type, body.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(message, body.GetProperty("error").GetProperty("message").GetString());
    }
}
