using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Storage;
using Switchyard.Tenancy;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Admin;

/// <summary>
/// One-time password reset links through the admin API: who may issue one, and that the anonymous redemption sets the
/// password once, ends sessions, refuses every bad token alike, is throttled and audited without the token.
/// </summary>
public sealed class PasswordResetTests
{
    private const string NewPassword = "a brand new password 42";

    private static async Task<(int Status, string Text, HttpResponseMessage Response)> RedeemAsync(HttpClient http, string token, string password = NewPassword)
    {
        var response = await http.SendAsync(TenancyFixture.Request(HttpMethod.Post, "/admin/password-reset",
            JsonSerializer.Serialize(new Dictionary<string, string> { ["token"] = token, ["password"] = password }), null));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static async Task<string> IssueAsync(HttpClient http, string user, string key = GatewayHarness.MasterKey) =>
        (await TenancyFixture.SendAsync(http, HttpMethod.Post, $"/admin/users/{user}/reset-link", key: key, expect: 201)).GetProperty("link").GetString()!;

    private static string TokenOf(string link) => link[(link.IndexOf("?token=", StringComparison.Ordinal) + "?token=".Length)..];

    private static async Task<HttpStatusCode> LoginAsync(HttpClient http, string name, string password)
    {
        using var response = await http.SendAsync(TenancyFixture.Request(HttpMethod.Post, "/admin/session",
            JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = name, ["password"] = password }), null));
        return response.StatusCode;
    }

    [Fact]
    public async Task Redeem_SetsThePasswordOnce_EndsSessions_AndEveryBadTokenIsRefusedAlike()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        var http = gateway.Http;
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/users/wang", $$"""{"password":"{{TenancyFixture.Password}}"}""");
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = gateway.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(browser, "wang", TenancyFixture.Password));

        var answer = await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/users/wang/reset-link", expect: 201);
        var link = answer.GetProperty("link").GetString()!;
        Assert.StartsWith(gateway.BaseAddress.ToString().TrimEnd('/') + "/ui/#/reset?token=" + PasswordResets.TokenPrefix, link);
        Assert.Equal("wang", answer.GetProperty("user").GetString());
        var expires = answer.GetProperty("expires_at").GetDateTimeOffset();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
        var token = TokenOf(link);

        // A password too short is refused before the token is looked at, so the link still works afterwards.
        var tooShort = await RedeemAsync(http, token, "short");
        Assert.Equal(400, tooShort.Status);
        Assert.Equal("password", JsonDocument.Parse(tooShort.Text).RootElement.GetProperty("error").GetProperty("param").GetString());

        var redeemed = await RedeemAsync(http, token);
        Assert.True(redeemed.Status == 200, redeemed.Text);
        Assert.Equal("wang", JsonDocument.Parse(redeemed.Text).RootElement.GetProperty("user").GetString());
        using (var ended = await browser.GetAsync("/admin/session"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, ended.StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(http, "wang", TenancyFixture.Password));
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(http, "wang", NewPassword));

        // Used, unknown, replaced and expired tokens all get the one same refusal.
        var used = await RedeemAsync(http, token);
        Assert.Equal(401, used.Status);
        var error = JsonDocument.Parse(used.Text).RootElement.GetProperty("error");
        Assert.Equal(("authentication_error", "invalid_reset_token"), (error.GetProperty("type").GetString(), error.GetProperty("code").GetString()));
        Assert.Equal(used.Text, (await RedeemAsync(http, PasswordResets.TokenPrefix + "never-issued-0000000000000000000000000000")).Text);
        var older = TokenOf(await IssueAsync(http, "wang"));
        var newer = TokenOf(await IssueAsync(http, "wang"));
        Assert.Equal(used.Text, (await RedeemAsync(http, older)).Text);
        var expired = await new PasswordResets(gateway.Host.Services.GetRequiredService<PasswordResetStore>(),
            new ManualTimeProvider(DateTimeOffset.UtcNow.AddHours(-25))).IssueAsync("lead", TimeSpan.FromHours(24), default);
        Assert.Equal(used.Text, (await RedeemAsync(http, expired.Token)).Text);
        Assert.Equal(200, (await RedeemAsync(http, newer, NewPassword + "!")).Status);

        // Issued and used links are audited; no token is in the audit log.
        using var export = await http.SendAsync(TenancyFixture.Request(HttpMethod.Get, "/admin/audit/export", null, GatewayHarness.MasterKey));
        var audit = await export.Content.ReadAsStringAsync();
        Assert.Contains("\"action\":\"user.reset_link\"", audit);
        Assert.Contains("\"action\":\"user.password_reset\"", audit);
        Assert.Contains("\"outcome\":\"failure\"", audit);
        foreach (var secret in new[] { token, older, newer, expired.Token })
        {
            Assert.DoesNotContain(secret, audit);
            Assert.DoesNotContain(secret[PasswordResets.TokenPrefix.Length..], audit);
        }
    }

    [Fact]
    public async Task IssueLink_OnlyForUsersTheCallerMayManage()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        var http = gateway.Http;
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/users", """{"name":"far","group":"narrow"}""", expect: 201);

        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/users/wang/reset-link", key: null, expect: 401);
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/users/wang/reset-link", key: GatewayHarness.ClientKey, expect: 403);
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/users/wang/reset-link", key: TenancyFixture.OtherLeadKey, expect: 404);
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/users/boss/reset-link", key: TenancyFixture.LeadKey, expect: 403);
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/users/lead/reset-link", key: TenancyFixture.LeadKey, expect: 403);
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/users/far/reset-link", key: TenancyFixture.LeadKey, expect: 404);
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/users/nobody/reset-link", expect: 404);

        var fromLead = await IssueAsync(http, "wang", TenancyFixture.LeadKey);
        Assert.Equal(200, (await RedeemAsync(http, TokenOf(fromLead))).Status);
        var fromBoss = await IssueAsync(http, "other-lead", TenancyFixture.BossKey);
        Assert.Equal(200, (await RedeemAsync(http, TokenOf(fromBoss))).Status);
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(http, "other-lead", NewPassword));
    }

    [Fact]
    public async Task Redeem_TooManyWrongTokens_RefusesEvenAGoodOne_WithRetryAfter()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        var http = gateway.Http;
        var good = TokenOf(await IssueAsync(http, "wang"));
        string? refusal = null;
        for (var i = 0; i < Switchyard.Admin.LoginThrottle.MaxFailuresPerName; i++)
        {
            var wrong = await RedeemAsync(http, PasswordResets.TokenPrefix + "guess-" + i);
            Assert.Equal(401, wrong.Status);
            Assert.False(wrong.Response.Headers.Contains("Retry-After"));
            refusal = wrong.Text;
        }

        var held = await RedeemAsync(http, good);

        Assert.Equal(401, held.Status);
        Assert.Equal(refusal, held.Text);
        Assert.True(int.Parse(held.Response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        // Held back, the token was not even looked at: it is still unspent in the store.
        await using var connection = await gateway.Host.Services.GetRequiredService<SqlDialect>().OpenAsync(default);
        Assert.Equal(0L, await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT COUNT(*) FROM password_resets WHERE used_at IS NOT NULL"));
        var audit = await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/audit?action=user.password_reset");
        Assert.Contains(audit.GetProperty("data").EnumerateArray(), e => e.GetProperty("outcome").GetString() == "locked_out");
    }

    [Fact]
    public async Task IssueLink_PublicUrlConfigured_LinkStartsWithIt()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: c => TenancyFixture.Company(c) with
        {
            Server = c.Server with { PublicUrl = "https://gateway.example.com/llm/" },
        });

        var link = await IssueAsync(gateway.Http, "wang");

        Assert.StartsWith("https://gateway.example.com/llm/ui/#/reset?token=" + PasswordResets.TokenPrefix, link);
    }
}
