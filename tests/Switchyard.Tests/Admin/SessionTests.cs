using System.Net;
using System.Text.Json;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Admin;

/// <summary>Web UI logins: the cookie's attributes, CSRF on cookie writes, logout, and lockout after repeated failures.</summary>
public sealed class SessionTests
{
    private static HttpClient Browser(GatewayHarness gateway) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true }) { BaseAddress = gateway.BaseAddress };

    private static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> LoginAsync(HttpClient browser, string name, string password)
    {
        var response = await browser.PostAsync("/admin/session", new StringContent(
            JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = name, ["password"] = password }), System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    private static HttpRequestMessage Write(HttpMethod method, string path, string json, string? csrf)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (csrf is not null)
        {
            request.Headers.Add("x-csrf-token", csrf);
        }
        return request;
    }

    [Fact]
    public async Task Login_SetsStrictHttpOnlyCookie_AndCookieWritesNeedCsrf()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        using var browser = Browser(gateway);

        var (status, body, response) = await LoginAsync(browser, "lead", TenancyFixture.Password);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("lead", body.GetProperty("user").GetString());
        Assert.Equal("group_admin", body.GetProperty("role").GetString());
        Assert.Equal("team", body.GetProperty("group").GetString());
        var csrf = body.GetProperty("csrf_token").GetString()!;
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("sy_session=", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase); // plain HTTP here

        using var session = await browser.GetAsync("/admin/session");
        var again = JsonDocument.Parse(await session.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("lead", again.GetProperty("user").GetString());
        Assert.NotEqual(csrf, again.GetProperty("csrf_token").GetString());

        // Reads need only the cookie; writes need the CSRF token too (any fresh one of this session).
        using var read = await browser.GetAsync("/admin/users");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var noToken = await browser.SendAsync(Write(HttpMethod.Patch, "/admin/groups/team", """{"limits":{"rpm":10}}""", null));
        Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
        Assert.Equal("permission_error", JsonDocument.Parse(await noToken.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("type").GetString());
        using var forged = await browser.SendAsync(Write(HttpMethod.Patch, "/admin/groups/team", """{"limits":{"rpm":10}}""", csrf[..^2] + "AA"));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        using var ok = await browser.SendAsync(Write(HttpMethod.Patch, "/admin/groups/team", """{"limits":{"rpm":10}}""", again.GetProperty("csrf_token").GetString()));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        // The session carries the user's role: a group admin still may not create groups.
        using var beyondRole = await browser.SendAsync(Write(HttpMethod.Post, "/admin/groups", """{"name":"x"}""", csrf));
        Assert.Equal(HttpStatusCode.Forbidden, beyondRole.StatusCode);

        using var logoutWithoutToken = await browser.DeleteAsync("/admin/session");
        Assert.Equal(HttpStatusCode.Forbidden, logoutWithoutToken.StatusCode);
        using var logout = await browser.SendAsync(Write(HttpMethod.Delete, "/admin/session", "{}", csrf));
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        using var after = await browser.GetAsync("/admin/session");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        using var afterRead = await browser.GetAsync("/admin/users");
        Assert.Equal(HttpStatusCode.Unauthorized, afterRead.StatusCode);
    }

    /// <summary>
    /// The sign-in page asks who is signed in without a failed request (204 when nothing is sent at all), and an
    /// admin key is named exactly as the audit log names its actions.
    /// </summary>
    [Fact]
    public async Task SessionProbe_IsQuietWithoutCredentials_AndNamesAKeyAsTheAuditDoes()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        using var plain = new HttpClient { BaseAddress = gateway.BaseAddress };
        using (var probe = await plain.GetAsync("/admin/session?optional=true"))
        {
            Assert.Equal(HttpStatusCode.NoContent, probe.StatusCode);
        }
        using (var strict = await plain.GetAsync("/admin/session"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, strict.StatusCode);
        }
        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/session?optional=true", key: "sk-sy-not-a-key-0000000000000000000000000", expect: 401);

        var master = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/session");
        Assert.Equal("super_admin", master.GetProperty("role").GetString());
        Assert.True(!master.TryGetProperty("csrf_token", out var csrf) || csrf.ValueKind == JsonValueKind.Null, "a bearer key needs no CSRF token");
        var lead = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/session", key: TenancyFixture.LeadKey);
        Assert.Equal(("lead", "group_admin", "team"), (lead.GetProperty("user").GetString(), lead.GetProperty("role").GetString(), lead.GetProperty("group").GetString()));

        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Post, "/admin/keys", """{"name":"named","group":"team"}""", expect: 201);
        var audit = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/audit?action=key.create");
        Assert.Equal(master.GetProperty("user").GetString(), audit.GetProperty("data")[0].GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Session_LastsTheConfiguredTtl()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: c =>
        {
            var company = TenancyFixture.Company(c);
            return company with { Security = company.Security with { SessionTtl = TimeSpan.FromSeconds(2) } };
        });
        using var browser = Browser(gateway);

        var (status, _, response) = await LoginAsync(browser, "lead", TenancyFixture.Password);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("max-age=2", Assert.Single(response.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        using (var fresh = await browser.GetAsync("/admin/session"))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        // The server refuses the token after the TTL even when a client keeps sending the cookie.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        using var stale = new HttpRequestMessage(HttpMethod.Get, "/admin/session");
        stale.Headers.Add("Cookie", response.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);
        using var plain = new HttpClient { BaseAddress = gateway.BaseAddress };
        using var expired = await plain.SendAsync(stale);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }

    [Fact]
    public async Task CsrfToken_OfAnotherSession_IsRefused()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        using var first = Browser(gateway);
        using var second = Browser(gateway);
        var (_, firstBody, _) = await LoginAsync(first, "boss", TenancyFixture.Password);
        await LoginAsync(second, "boss", TenancyFixture.Password);

        using var crossed = await second.SendAsync(Write(HttpMethod.Post, "/admin/groups", """{"name":"crossed"}""", firstBody.GetProperty("csrf_token").GetString()));

        Assert.Equal(HttpStatusCode.Forbidden, crossed.StatusCode);
    }

    [Fact]
    public async Task WrongPasswords_LockTheNameFromThisAddress_UntilAnAdminUnlocks()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        using var browser = Browser(gateway);

        var (unknown, unknownBody, _) = await LoginAsync(browser, "nobody", "whatever password");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown);
        Assert.Equal("authentication_error", unknownBody.GetProperty("error").GetProperty("type").GetString());
        for (var i = 0; i < 5; i++)
        {
            var (wrong, _, _) = await LoginAsync(browser, "lead", "not the password " + i);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong);
        }
        var (locked, lockedBody, lockedResponse) = await LoginAsync(browser, "lead", TenancyFixture.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, locked);
        Assert.Equal(unknownBody.GetRawText(), lockedBody.GetRawText());
        var retryAfter = int.Parse(lockedResponse.Headers.GetValues("retry-after").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 890, 900);
        // The lock holds this name from this address only; the account itself is not locked.
        var user = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/users/lead");
        Assert.Equal(JsonValueKind.Null, user.GetProperty("locked_until").ValueKind);

        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Patch, "/admin/users/lead", """{"unlock":true}""");
        var (unlocked, _, _) = await LoginAsync(browser, "lead", TenancyFixture.Password);
        Assert.Equal(HttpStatusCode.OK, unlocked);

        var audit = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/audit?action=login&limit=1000");
        var outcomes = audit.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("outcome").GetString()).ToList();
        Assert.Equal(6, outcomes.Count(o => o == "failure"));
        Assert.Equal(1, outcomes.Count(o => o == "locked_out"));
        Assert.Equal(1, outcomes.Count(o => o == "success"));
        Assert.All(audit.GetProperty("data").EnumerateArray(), e => Assert.Equal("127.0.0.1", e.GetProperty("address").GetString()));
    }

    [Fact]
    public async Task PasswordChange_EndsExistingSessions()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        using var browser = Browser(gateway);
        await LoginAsync(browser, "lead", TenancyFixture.Password);

        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Patch, "/admin/users/lead", """{"password":"an entirely new password"}""");

        using var after = await browser.GetAsync("/admin/users");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        var (old, _, _) = await LoginAsync(browser, "lead", TenancyFixture.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, old);
        var (renewed, _, _) = await LoginAsync(browser, "lead", "an entirely new password");
        Assert.Equal(HttpStatusCode.OK, renewed);
    }
}
