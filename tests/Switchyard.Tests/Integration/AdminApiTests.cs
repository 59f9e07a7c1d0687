using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OpenAI.Chat;
using Switchyard.Configuration;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

public sealed class AdminApiTests
{
    private static HttpRequestMessage Admin(HttpMethod method, string path, string? json = null, string key = GatewayHarness.MasterKey)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task Keys_CreateUseListRevoke(DatabaseKind kind)
    {
        await using var gateway = await GatewayHarness.StartAsync(kind);

        using var created = await gateway.Http.SendAsync(Admin(HttpMethod.Post, "/admin/keys",
            """{"name":"ci-bot","group":"team","models":["gpt-4o-mini"],"limits":{"rpm":5},"expires_at":"2099-01-01T00:00:00Z"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var id = body.GetProperty("id").GetString()!;
        var secret = body.GetProperty("key").GetString()!;
        Assert.StartsWith("sk-sy-", secret);
        Assert.Equal(5, body.GetProperty("limits").GetProperty("rpm").GetInt32());

        var answer = await gateway.OpenAi(secret).GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage("hi")]);
        Assert.Equal("Hello from the mock upstream.", answer.Value.Content[0].Text);

        var list = await gateway.Http.SendAsync(Admin(HttpMethod.Get, "/admin/keys"));
        var listText = await list.Content.ReadAsStringAsync();
        Assert.Contains("ci-bot", listText);
        Assert.DoesNotContain(secret, listText);
        var one = await gateway.Http.SendAsync(Admin(HttpMethod.Get, $"/admin/keys/{id}"));
        Assert.DoesNotContain(secret, await one.Content.ReadAsStringAsync());

        var revoked = await gateway.Http.SendAsync(Admin(HttpMethod.Delete, $"/admin/keys/{id}"));
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.NotEqual(JsonValueKind.Null, JsonDocument.Parse(await revoked.Content.ReadAsStringAsync()).RootElement.GetProperty("revoked_at").ValueKind);
        var refused = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[]}""", secret));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("revoked", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Keys_WrongOrMissingMasterKey_Is401()
    {
        await using var gateway = await GatewayHarness.StartAsync();

        var wrong = await gateway.Http.SendAsync(Admin(HttpMethod.Get, "/admin/keys", key: "sk-sy-nobody-has-this-key-0000000000000"));
        var none = await gateway.Http.GetAsync("/admin/keys");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
    }

    [Fact]
    public async Task Keys_CreateWithAModelPattern_AdmitsOnlyMatchingNames()
    {
        await using var gateway = await GatewayHarness.StartAsync();

        using var created = await gateway.Http.SendAsync(Admin(HttpMethod.Post, "/admin/keys", """{"name":"minis","group":"team","models":["gpt-4o-m*"]}"""));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
        using var allowed = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", secret));
        using var refused = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", secret));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Theory]
    [InlineData("""{"group":"team"}""", "name")]
    [InlineData("""{"name":"x"}""", "group")]
    [InlineData("""{"name":"x","group":"nope"}""", "group")]
    [InlineData("""{"name":"x","group":"team","user":"ghost"}""", "user")]
    [InlineData("""{"name":"x","group":"team","models":["gpt-17"]}""", "models")]
    [InlineData("""{"name":"x","group":"team","expires_at":"2001-01-01T00:00:00Z"}""", "expires_at")]
    [InlineData("""{"name":"x","group":"team","colour":"red"}""", null)]
    [InlineData("""{"name":"client-key","group":"team"}""", "name")]
    public async Task Keys_BadCreate_Is4xxWithReason(string json, string? param)
    {
        await using var gateway = await GatewayHarness.StartAsync();

        using var response = await gateway.Http.SendAsync(Admin(HttpMethod.Post, "/admin/keys", json));

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Conflict, response.StatusCode.ToString());
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        if (param is not null)
        {
            Assert.Equal(param, error.GetProperty("param").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task Usage_IsExactToTheTokenAndCent(DatabaseKind kind)
    {
        await using var gateway = await GatewayHarness.StartAsync(kind);
        var chat = gateway.OpenAi().GetChatClient("gpt-4o");
        for (var i = 0; i < 7; i++)
        {
            await chat.CompleteChatAsync([new UserChatMessage("four words right here")]);
        }
        await foreach (var _ in chat.CompleteChatStreamingAsync([new UserChatMessage("four words right here")]))
        {
        }
        await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"gpt-17","messages":[]}"""));

        using var json = await gateway.Http.SendAsync(Admin(HttpMethod.Get, "/admin/usage?group_by=model"));
        using var csv = await gateway.Http.SendAsync(Admin(HttpMethod.Get, $"/admin/usage?group_by=key&format=csv&from={DateTime.UtcNow:yyyy-MM-dd}&to={DateTime.UtcNow:yyyy-MM-dd}"));

        var rows = JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement.GetProperty("rows");
        var gpt4o = rows.EnumerateArray().Single(r => r.GetProperty("key").GetString() == "gpt-4o");
        // 8 successful calls of (4 + 3) input and 5 output tokens at 2.50 / 10.00 USD per 1M.
        Assert.Equal(8, gpt4o.GetProperty("requests").GetInt64());
        Assert.Equal(56, gpt4o.GetProperty("input_tokens").GetInt64());
        Assert.Equal(40, gpt4o.GetProperty("output_tokens").GetInt64());
        Assert.Equal("0.00054", gpt4o.GetProperty("cost_usd").GetString());
        // An unknown model is refused before any upstream: in the request log, not in usage.
        Assert.DoesNotContain(rows.EnumerateArray(), r => r.GetProperty("key").GetString() == "gpt-17");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        Assert.Equal("key,requests,input_tokens,output_tokens,cached_tokens,cache_write_tokens,reasoning_tokens,cost_usd,"
            + "estimated_requests,estimated_input_tokens,estimated_output_tokens,estimated_cost_usd", lines[0]);
        Assert.Equal("client-key,8,56,40,0,0,0,0.00054,0,0,0,0", lines[1]);
    }

    [Fact]
    public async Task Usage_BadGroupBy_Is400()
    {
        await using var gateway = await GatewayHarness.StartAsync();

        using var response = await gateway.Http.SendAsync(Admin(HttpMethod.Get, "/admin/usage?group_by=planet"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
