using System.Net;
using System.Text.Json;
using Switchyard.Configuration;
using Switchyard.Pricing;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Billing;

public sealed class PricesAdminTests
{
    private const string PartnerKey = "sk-sy-test-partner-key-00000000000000007";

    [Fact]
    public async Task Prices_ShowEffectiveBookWithVersions_MultipliersAndChargedVersions()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: c => c with
        {
            Groups = [.. c.Groups, new GroupConfig { Name = "partners", PriceMultiplier = 0.8m }],
            Keys = [.. c.Keys, new KeyConfig { Name = "partner-key", Secret = PartnerKey, Group = "partners" }],
        });
        using (var chat = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions",
            """{"model":"gpt-4o","messages":[{"role":"user","content":"price me"}]}""", PartnerKey)))
        {
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        }
        var record = Assert.Single(await gateway.LedgerAsync(expectAtLeast: 1));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/prices");
        request.Headers.Authorization = new("Bearer", GatewayHarness.MasterKey);
        using var response = await gateway.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var book = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        var gpt4o = book.GetProperty("data").EnumerateArray().Single(p => p.GetProperty("model").GetString() == "gpt-4o");
        Assert.Equal("config", gpt4o.GetProperty("source").GetString());
        Assert.Equal(2.50m, gpt4o.GetProperty("input").GetDecimal());
        Assert.Equal(1.25m, gpt4o.GetProperty("cached_input").GetDecimal());
        Assert.Equal(ModelPrice.VersionOf("gpt-4o", new PriceConfig { Input = 2.50m, Output = 10.00m, CachedInput = 1.25m }, 1m),
            gpt4o.GetProperty("version").GetString());
        Assert.Contains(book.GetProperty("data").EnumerateArray(), p => p.GetProperty("source").GetString() == "builtin");
        Assert.Equal(0.8m, book.GetProperty("group_multipliers").GetProperty("partners").GetDecimal());

        // The version the request was charged at: the group's multiplier is part of it, and the cost carries it.
        var charged = Assert.Single(book.GetProperty("versions").EnumerateArray());
        Assert.Equal(record.PriceVersion, charged.GetProperty("version").GetString());
        Assert.Equal(0.8m, charged.GetProperty("multiplier").GetDecimal());
        Assert.True(charged.TryGetProperty("first_used_at", out _));
        Assert.Equal(0.8m * (record.Usage.Input * 2.50m + record.Usage.Output * 10.00m) / 1_000_000m, record.CostUsd);
    }
}
