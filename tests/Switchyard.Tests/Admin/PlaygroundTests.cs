using System.Net;
using System.Text.Json;
using Switchyard.Configuration;
using Switchyard.Hosting;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Admin;

/// <summary>
/// The console's playground (<c>/admin/playground/…</c>): a signed-in caller's request runs through the relay as a
/// real request of theirs — their group's models, their limits, ledgered under their playground key — in each client
/// protocol's own shape; nobody plays in a group not theirs, and an anonymous or forged caller is refused.
/// </summary>
public sealed class PlaygroundTests
{
    private const string Chat = """{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}],"temperature":0.2,"max_tokens":32}""";

    private static GatewayConfig Config(GatewayConfig c)
    {
        var company = TenancyFixture.Company(c);
        return company with
        {
            Users = [.. company.Users.Select(u => u.Name == "wang" ? u with { Password = TenancyFixture.Password, Limits = new LimitsConfig { Rpm = 3 } } : u)],
        };
    }

    private static HttpClient Browser(GatewayHarness gateway) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true }) { BaseAddress = gateway.BaseAddress };

    private static async Task<string> LoginAsync(HttpClient browser, string name)
    {
        using var response = await browser.PostAsync("/admin/session", new StringContent(
            JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = name, ["password"] = TenancyFixture.Password }), System.Text.Encoding.UTF8, "application/json"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("csrf_token").GetString()!;
    }

    private static HttpRequestMessage Play(string path, string json, string? csrf = null, string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/admin/playground" + path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (csrf is not null)
        {
            request.Headers.Add("x-csrf-token", csrf);
        }
        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }
        return request;
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task UserSession_StreamsAChat_LedgeredUnderItsPlaygroundKey(DatabaseKind database)
    {
        await using var gateway = await GatewayHarness.StartAsync(database, customize: Config);
        using var browser = Browser(gateway);
        var csrf = await LoginAsync(browser, "wang");

        using var response = await browser.SendAsync(Play("/v1/chat/completions", Chat.Replace("\"max_tokens\":32", "\"max_tokens\":32,\"stream\":true,\"stream_options\":{\"include_usage\":true}"), csrf),
            HttpCompletionOption.ResponseHeadersRead);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"chat.completion.chunk\"", text);
        Assert.EndsWith("data: [DONE]\n\n", text);
        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        Assert.Equal("gpt-4o-mini", Assert.Single(response.Headers.GetValues("x-switchyard-model")));
        Assert.True(response.Headers.Contains("x-switchyard-overhead-ms"));

        // What the console shows after the answer: the ledger record, read as the user itself.
        var ledger = await gateway.LedgerAsync(expectAtLeast: 1);
        var record = Assert.Single(ledger, r => r.RequestId == requestId);
        Assert.Equal("playground:wang:team", record.KeyName);
        Assert.Equal("wang", record.User);
        Assert.Equal("team", record.Group);
        Assert.True(record.Usage.Total > 0 && record.CostUsd > 0, $"{record.Usage.Total} tokens, ${record.CostUsd}");
        using var detail = await browser.GetAsync($"/admin/requests/{requestId}");
        var view = JsonDocument.Parse(await detail.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        Assert.Equal("playground:wang:team", view.GetProperty("key").GetString());
        Assert.Equal(record.CostUsd, decimal.Parse(view.GetProperty("cost_usd").GetString()!, System.Globalization.CultureInfo.InvariantCulture));

        // A second play reuses the key; it is in the user's key list, made once and audited.
        using (var again = await browser.SendAsync(Play("/v1/chat/completions", Chat, csrf)))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
        var keys = await TenancyFixture.SendAsync(browser, HttpMethod.Get, "/admin/keys", key: null);
        var playground = Assert.Single(keys.GetProperty("data").EnumerateArray(), k => k.GetProperty("source").GetString() == "playground");
        Assert.Equal("playground:wang:team", playground.GetProperty("name").GetString());
        Assert.Equal("wang", playground.GetProperty("user").GetString());
        var audit = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/audit?action=key.create&target_type=key");
        var created = audit.GetProperty("data").EnumerateArray().Where(e => e.GetProperty("target").GetString() == playground.GetProperty("id").GetString()).ToList();
        var entry = Assert.Single(created);
        Assert.Equal("wang", entry.GetProperty("actor").GetString());
    }

    /// <summary>Each client protocol answers in its own shape, streamed and not, through the one playground.</summary>
    [Fact]
    public async Task EveryProtocol_AnswersInItsOwnShape()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: Config);
        async Task<string> PlayAsync(string path, string json, int expect = 200)
        {
            using var response = await gateway.Http.SendAsync(Play(path, json, bearer: TenancyFixture.LeadKey));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == expect, $"{path}: {(int)response.StatusCode} {text}");
            return text;
        }

        Assert.Equal("chat.completion", JsonDocument.Parse(await PlayAsync("/v1/chat/completions", Chat)).RootElement.GetProperty("object").GetString());
        var responses = JsonDocument.Parse(await PlayAsync("/v1/responses", """{"model":"gpt-4o-mini","instructions":"Be brief.","input":"hi","max_output_tokens":32}""")).RootElement;
        Assert.Equal("response", responses.GetProperty("object").GetString());
        Assert.Contains("response.output_text.delta", await PlayAsync("/v1/responses", """{"model":"gpt-4o-mini","input":"hi","stream":true}"""));
        var messages = JsonDocument.Parse(await PlayAsync("/v1/messages", """{"model":"claude-sonnet-4-5","system":"Be brief.","max_tokens":32,"messages":[{"role":"user","content":"hi"}]}""")).RootElement;
        Assert.Equal("message", messages.GetProperty("type").GetString());
        Assert.Contains("event: content_block_delta", await PlayAsync("/v1/messages", """{"model":"claude-sonnet-4-5","max_tokens":32,"stream":true,"messages":[{"role":"user","content":"hi"}]}"""));
        const string gemini = """{"systemInstruction":{"parts":[{"text":"Be brief."}]},"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"temperature":0.2,"maxOutputTokens":32}}""";
        var generated = JsonDocument.Parse(await PlayAsync("/v1beta/models/gpt-4o-mini:generateContent", gemini)).RootElement;
        Assert.True(generated.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts").GetArrayLength() > 0);
        Assert.Contains("\"candidates\"", await PlayAsync("/v1beta/models/gpt-4o-mini:streamGenerateContent?alt=sse", gemini));
        Assert.Contains("generateContent", await PlayAsync("/v1beta/models/gpt-4o-mini:countTokens", gemini, expect: 404));

        var ledger = await gateway.LedgerAsync(expectAtLeast: 7);
        Assert.Equal(7, ledger.Count(r => r.KeyName == "playground:lead:team" && r.User == "lead" && r.Status == 200));
    }

    /// <summary>Who may play where: each actor against its own group, another, none and one that does not exist.</summary>
    [Fact]
    public async Task EveryActorAndGroup_AllowedOrRefused()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: Config);
        (string Label, string? Key, string Query, int Expected, string? Code)[] cases =
        [
            ("anonymous", null, "", 401, null),
            ("user, own group", GatewayHarness.ClientKey, "", 200, null),
            ("user, own group named", GatewayHarness.ClientKey, "?group=team", 200, null),
            ("user, other group", GatewayHarness.ClientKey, "?group=narrow", 403, "forbidden"),
            ("group admin, other group", TenancyFixture.LeadKey, "?group=narrow", 403, "forbidden"),
            ("other group's admin, team", TenancyFixture.OtherLeadKey, "?group=team", 403, "forbidden"),
            ("super admin, other group", TenancyFixture.BossKey, "?group=narrow", 200, null),
            ("super admin, no such group", TenancyFixture.BossKey, "?group=nothing", 404, "group_not_found"),
            ("master key, no group", GatewayHarness.MasterKey, "", 400, "group_required"),
            ("master key, a group", GatewayHarness.MasterKey, "?group=narrow", 200, null),
            ("revoked personal key", GatewayHarness.ExpiredKey, "", 401, null),
        ];
        var failures = new List<string>();
        foreach (var (label, key, query, expected, code) in cases)
        {
            using var response = await gateway.Http.SendAsync(Play("/v1/chat/completions" + query, Chat, bearer: key));
            var text = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != expected)
            {
                failures.Add($"{label}: expected {expected}, got {(int)response.StatusCode} {text}");
            }
            else if (code is not null && JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("code").GetString() != code)
            {
                failures.Add($"{label}: expected code {code}: {text}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        var ledger = await gateway.LedgerAsync(expectAtLeast: 4);
        Assert.Contains(ledger, r => r.KeyName == "playground:master:narrow" && r.User is null && r.Group == "narrow");
        Assert.Contains(ledger, r => r.KeyName == "playground:boss:narrow" && r.User == "boss" && r.Group == "narrow");
        // Refusals made before the relay leave no record and no key behind.
        Assert.DoesNotContain(ledger, r => r.Group == "narrow" && r.User is "wang" or "lead");
    }

    [Fact]
    public async Task CookieWithoutCsrf_IsRefused_AndNothingRuns()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: Config);
        using var browser = Browser(gateway);
        await LoginAsync(browser, "wang");
        using var forged = await browser.SendAsync(Play("/v1/chat/completions", Chat));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        using var wrong = await browser.SendAsync(Play("/v1/chat/completions", Chat, csrf: "not-the-token"));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Empty(gateway.Mock.Requests);
        var keys = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/keys");
        Assert.DoesNotContain(keys.GetProperty("data").EnumerateArray(), k => k.GetProperty("source").GetString() == "playground");
    }

    /// <summary>It is a real request of the user's: a model outside the group is refused as the API would, and so is a request beyond the user's limit.</summary>
    [Fact]
    public async Task ModelOutsideTheGroupAndUserLimit_AreRefusedAsTheApiWould()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: Config);
        using (var outside = await gateway.Http.SendAsync(Play("/v1/chat/completions", Chat.Replace("gpt-4o-mini", "gpt-4o"), bearer: TenancyFixture.OtherLeadKey)))
        {
            var error = JsonDocument.Parse(await outside.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
            Assert.Equal(403, (int)outside.StatusCode);
            Assert.Equal("model_not_allowed", error.GetProperty("code").GetString());
        }
        using (var anthropic = await gateway.Http.SendAsync(Play("/v1/messages", """{"model":"gpt-4o","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}""", bearer: TenancyFixture.OtherLeadKey)))
        {
            var body = JsonDocument.Parse(await anthropic.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("error", body.GetProperty("type").GetString());
        }

        // wang may make 3 requests a minute, whichever key it uses: the playground's count too.
        using var browser = Browser(gateway);
        var csrf = await LoginAsync(browser, "wang");
        using (var first = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", Chat)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        for (var i = 0; i < 2; i++)
        {
            using var ok = await browser.SendAsync(Play("/v1/chat/completions", Chat, csrf));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using var limited = await browser.SendAsync(Play("/v1/chat/completions", Chat, csrf));
        Assert.Equal(429, (int)limited.StatusCode);
        Assert.Equal("rate_limit_exceeded", JsonDocument.Parse(await limited.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("type").GetString());

        var ledger = await gateway.LedgerAsync(expectAtLeast: 6);
        Assert.Contains(ledger, r => r.KeyName == "playground:other-lead:narrow" && r.Refused && r.Status == 403);
        Assert.Contains(ledger, r => r.KeyName == "playground:wang:team" && r.Refused && r.Status == 429);
    }

    /// <summary>A playground key is a key like any: revoked, the next play makes a new one; its name is the playground's; it does not keep its user from being deleted.</summary>
    [Fact]
    public async Task PlaygroundKey_RevokedRenamedOrOrphaned()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: Config);
        using (var first = await gateway.Http.SendAsync(Play("/v1/chat/completions", Chat, bearer: GatewayHarness.ClientKey)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        var keys = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/keys?user=wang", key: GatewayHarness.ClientKey);
        var id = keys.GetProperty("data").EnumerateArray().Single(k => k.GetProperty("source").GetString() == "playground").GetProperty("id").GetString();
        var rename = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Patch, $"/admin/keys/{id}", """{"name":"mine"}""", key: GatewayHarness.ClientKey, expect: 400);
        Assert.Equal("name_reserved", rename.GetProperty("error").GetProperty("code").GetString());
        var limited = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Patch, $"/admin/keys/{id}", """{"limits":{"rpm":1}}""", key: TenancyFixture.LeadKey);
        Assert.Equal(1, limited.GetProperty("limits").GetProperty("rpm").GetInt32());
        var squat = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Post, "/admin/keys", """{"name":"playground:lead:team","group":"team","user":"lead"}""", key: TenancyFixture.LeadKey, expect: 400);
        Assert.Equal("name_reserved", squat.GetProperty("error").GetProperty("code").GetString());

        // The key's own rpm of 1, set above, applies from the next play on: one more passes, the one after is refused.
        using (var within = await gateway.Http.SendAsync(Play("/v1/chat/completions", Chat, bearer: GatewayHarness.ClientKey)))
        {
            Assert.Equal(HttpStatusCode.OK, within.StatusCode);
        }
        using (var beyond = await gateway.Http.SendAsync(Play("/v1/chat/completions", Chat, bearer: GatewayHarness.ClientKey)))
        {
            Assert.Equal(429, (int)beyond.StatusCode);
        }
        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Delete, $"/admin/keys/{id}", key: GatewayHarness.ClientKey);
        using (var after = await gateway.Http.SendAsync(Play("/v1/chat/completions", Chat, bearer: GatewayHarness.ClientKey)))
        {
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }
        keys = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/keys?user=wang", key: GatewayHarness.ClientKey);
        var playgroundKeys = keys.GetProperty("data").EnumerateArray().Where(k => k.GetProperty("source").GetString() == "playground").ToList();
        Assert.Equal(2, playgroundKeys.Count);
        Assert.Contains(playgroundKeys, k => k.GetProperty("name").GetString() == "playground:wang:team:2" && k.GetProperty("revoked_at").ValueKind == JsonValueKind.Null);

        // A user made through the API plays, then is deleted: its playground key goes with it.
        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Post, "/admin/users",
            $$"""{"name":"temp","group":"team","role":"user","password":"{{TenancyFixture.Password}}"}""", key: TenancyFixture.LeadKey, expect: 201);
        using var browser = Browser(gateway);
        var csrf = await LoginAsync(browser, "temp");
        using (var play = await browser.SendAsync(Play("/v1/chat/completions", Chat, csrf)))
        {
            Assert.Equal(HttpStatusCode.OK, play.StatusCode);
        }
        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Delete, "/admin/users/temp", key: TenancyFixture.LeadKey, expect: 204);
        keys = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/keys?user=temp");
        Assert.All(keys.GetProperty("data").EnumerateArray(), k => Assert.NotEqual(JsonValueKind.Null, k.GetProperty("revoked_at").ValueKind));
    }

    /// <summary>An admin instance serves the console and so the playground, though it serves no client API itself.</summary>
    [Fact]
    public async Task AdminRoleInstance_ServesThePlayground()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: Config, role: InstanceRole.Admin);
        using (var direct = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", Chat)))
        {
            Assert.Equal(404, (int)direct.StatusCode);
        }
        using var play = await gateway.Http.SendAsync(Play("/v1/chat/completions", Chat, bearer: GatewayHarness.ClientKey));
        Assert.Equal(HttpStatusCode.OK, play.StatusCode);
        var ledger = await gateway.LedgerAsync(expectAtLeast: 1);
        Assert.Contains(ledger, r => r.KeyName == "playground:wang:team" && r.Status == 200);
    }
}
