using System.Net.Http.Headers;
using System.Text.Json;
using Switchyard.Configuration;

namespace Switchyard.Tests.TestSupport;

/// <summary>The harness config plus a company: a super admin, a group admin per group, personal keys and a secret key.</summary>
public static class TenancyFixture
{
    public const string SecretKey = "test-secret-key-for-upstream-encryption-0001";
    public const string BossKey = "sk-sy-test-boss-personal-key-0000000000001";
    public const string LeadKey = "sk-sy-test-lead-personal-key-0000000000002";
    public const string OtherLeadKey = "sk-sy-test-other-lead-key-00000000000003";
    public const string Password = "correct horse battery staple";

    public static GatewayConfig Company(GatewayConfig c) => c with
    {
        Security = c.Security with { SecretKey = SecretKey },
        Users =
        [
            .. c.Users,
            new UserConfig { Name = "boss", Group = "team", Role = Roles.SuperAdmin, Password = Password },
            new UserConfig { Name = "lead", Group = "team", Role = Roles.GroupAdmin, Password = Password },
            new UserConfig { Name = "other-lead", Group = "narrow", Role = Roles.GroupAdmin },
        ],
        Keys =
        [
            .. c.Keys,
            new KeyConfig { Name = "boss-key", Secret = BossKey, User = "boss", Group = "team" },
            new KeyConfig { Name = "lead-key", Secret = LeadKey, User = "lead", Group = "team" },
            new KeyConfig { Name = "other-lead-key", Secret = OtherLeadKey, User = "other-lead", Group = "narrow" },
        ],
    };

    public static HttpRequestMessage Request(HttpMethod method, string path, string? json, string? key)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return request;
    }

    public static async Task<JsonElement> SendAsync(HttpClient http, HttpMethod method, string path, string? json = null, string? key = GatewayHarness.MasterKey,
        int expect = 200)
    {
        using var response = await http.SendAsync(Request(method, path, json, key));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expect, $"{method} {path}: expected {expect}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
