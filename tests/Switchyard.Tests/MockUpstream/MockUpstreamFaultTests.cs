using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Switchyard.MockUpstream;

namespace Switchyard.Tests.MockUpstream;

public sealed class MockUpstreamFaultTests
{
    [Theory]
    [InlineData(400, "invalid_request_error", null)]
    [InlineData(401, "invalid_request_error", "invalid_api_key")]
    [InlineData(403, "invalid_request_error", "permission_denied")]
    [InlineData(404, "invalid_request_error", "model_not_found")]
    [InlineData(429, "requests", "rate_limit_exceeded")]
    [InlineData(500, "server_error", null)]
    [InlineData(502, "server_error", "bad_gateway")]
    [InlineData(503, "server_error", "service_unavailable")]
    [InlineData(504, "server_error", "gateway_timeout")]
    [InlineData(529, "overloaded_error", "overloaded")]
    public async Task ChatCompletions_StatusDirective_AnswersOpenAiError(int status, string type, string? code)
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await host.PostAsync("v1/chat/completions", MockUpstreamTestHost.Chat($"hello [mock:status={status}]"));

        var error = await MockUpstreamChatTests.ReadErrorAsync(response, status);
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal(status == 429, response.Headers.RetryAfter is not null);
    }

    [Fact]
    public async Task ChatCompletions_Status429_RetryAfterDefaultsToOneSecond()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await host.PostAsync("v1/chat/completions", MockUpstreamTestHost.Chat("[mock:status=429]"));

        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task ChatCompletions_RetryAfterDirective_SetsHeader()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await host.PostAsync("v1/chat/completions", MockUpstreamTestHost.Chat("[mock:status=429][mock:retry_after=12]"));

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(12), response.Headers.RetryAfter?.Delta);
        Assert.Contains("try again in 12s", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_HeaderDirectives_ApplyToDirectCalls()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent(MockUpstreamTestHost.Chat("plain"), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-mock-status", "429");
        request.Headers.Add("x-mock-retry-after", "3");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task ChatCompletions_ReplyHeader_RepliesWithText()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent(MockUpstreamTestHost.Chat("plain"), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-mock-reply", "from a header");

        using var response = await host.Client.SendAsync(request);

        Assert.Contains("\"content\":\"from a header\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_DelayDirective_DelaysResponseHeaders()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        var watch = Stopwatch.StartNew();

        using var response = await host.PostAsync("v1/chat/completions", MockUpstreamTestHost.Chat("[mock:delay_ms=300]", "\"stream\":true"), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.True(watch.ElapsedMilliseconds >= 290, $"headers after {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task ChatCompletions_Hang_CancelledByClientTimeoutAndServerStaysHealthy()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var impatient = host.CreateClient(MockUpstreamTestHost.ApiKey, TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();

        var error = await Record.ExceptionAsync(() => impatient.PostAsync("v1/chat/completions", new StringContent(MockUpstreamTestHost.Chat("[mock:hang]"))));

        Assert.IsType<TaskCanceledException>(error);
        Assert.InRange(watch.ElapsedMilliseconds, 250, 5000);
        var body = await host.PostForJsonAsync("v1/chat/completions", MockUpstreamTestHost.Chat("still there?"));
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
    }

    [Fact]
    public async Task DisposeAsync_WhileRequestHangs_EndsPromptly()
    {
        var server = await MockUpstreamServer.StartAsync();
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "k");
        var hanging = client.PostAsync("v1/chat/completions", new StringContent(MockUpstreamTestHost.Chat("[mock:hang]")));
        await WaitForRequestAsync(server);
        var watch = Stopwatch.StartNew();

        await server.DisposeAsync();

        Assert.True(watch.ElapsedMilliseconds < 3000, $"dispose took {watch.ElapsedMilliseconds} ms");
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => hanging);
    }

    [Fact]
    public async Task ChatCompletions_StatusOutsideErrorRange_Ignored()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await host.PostForJsonAsync("v1/chat/completions", MockUpstreamTestHost.Chat("[mock:status=200] [mock:bogus=1]"));

        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
    }

    private static async Task WaitForRequestAsync(MockUpstreamServer server)
    {
        for (var i = 0; i < 200 && server.Requests.Count == 0; i++)
        {
            await Task.Delay(10);
        }

        Assert.NotEmpty(server.Requests);
    }
}
