using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Admin;

/// <summary>A group's price multiplier through the admin API: a super admin's setting, stored, and charged.</summary>
public sealed class GroupPriceMultiplierTests
{
    [Fact]
    public async Task PatchGroup_PriceMultiplier_SuperAdminOnly_AndChargedOnRequests()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        var http = gateway.Http;

        var created = await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/groups", """{"name":"partners","price_multiplier":0.8}""", expect: 201);
        Assert.Equal(0.8m, created.GetProperty("price_multiplier").GetDecimal());
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/groups", """{"name":"free","price_multiplier":0}""", expect: 400);
        // The file's group keeps the file's multiplier; the API may not pretend to change it.
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/groups/team", """{"price_multiplier":0.5}""", expect: 409);
        // A group admin lowering its own group's prices would bill everyone else for it.
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/groups/team", """{"price_multiplier":0.1}""", TenancyFixture.LeadKey, expect: 403);

        var patched = await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/groups/partners", """{"price_multiplier":0.5}""");
        Assert.Equal(0.5m, patched.GetProperty("price_multiplier").GetDecimal());
        var key = (await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/keys", """{"name":"partner-key","group":"partners"}""", expect: 201))
            .GetProperty("key").GetString();

        using var chat = await http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}""", key));
        Assert.Equal(System.Net.HttpStatusCode.OK, chat.StatusCode);
        var record = (await gateway.LedgerAsync(expectAtLeast: 1)).Single(r => r.KeyName == "partner-key");
        Assert.Equal(((record.Usage.Input * 2.50m) + (record.Usage.Output * 10.00m)) / 1_000_000m * 0.5m, record.CostUsd);
    }
}
