using System.Text.Json;
using Switchyard.Configuration;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Admin;

/// <summary>
/// What a member reads of its own group: the group's limits with used and remaining
/// (<c>GET /admin/groups/{name}/quota</c>) and the models its members may use at the prices the group is charged
/// (<c>GET /admin/groups/{name}/models</c>); admins as for the group itself, members only their own group.
/// </summary>
public sealed class GroupSelfServiceTests
{
    private static GatewayConfig Config(GatewayConfig c) => TenancyFixture.Company(c) with
    {
        Groups = c.Groups.Select(g => g.Name switch
        {
            "team" => g with { Limits = new LimitsConfig { Rpm = 100, UsdPerMonth = 50m } },
            "narrow" => g with { PriceMultiplier = 2m },
            _ => g,
        }).ToList(),
        Users = [.. TenancyFixture.Company(c).Users.Select(u => u.Name == "wang" ? u with { Limits = new LimitsConfig { Rpm = 10 } } : u)],
    };

    [Fact]
    public async Task GroupQuota_Member_SeesLimitsUsedAndRemaining()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: Config);
        using (var chat = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""")))
        {
            Assert.Equal(200, (int)chat.StatusCode);
        }
        var answer = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/groups/team/quota", key: GatewayHarness.ClientKey);
        Assert.Equal("team", answer.GetProperty("group").GetString());
        var rpm = answer.GetProperty("quota").EnumerateArray().Single(q => q.GetProperty("limit").GetString() == "rpm");
        Assert.Equal("100", rpm.GetProperty("value").GetString());
        Assert.Equal("1", rpm.GetProperty("used").GetString());
        Assert.Equal("99", rpm.GetProperty("remaining").GetString());
        Assert.Contains(answer.GetProperty("quota").EnumerateArray(), q => q.GetProperty("limit").GetString() == "usd_per_month");

        // Its own limits, as before, from its user.
        var user = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/users/wang", key: GatewayHarness.ClientKey);
        Assert.Equal("9", user.GetProperty("quota")[0].GetProperty("remaining").GetString());
    }

    [Fact]
    public async Task GroupModels_NarrowGroup_OnlyItsModelsAtItsMultiplier()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: Config);
        var narrow = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/groups/narrow/models", key: TenancyFixture.OtherLeadKey);
        Assert.Equal(2m, narrow.GetProperty("price_multiplier").GetDecimal());
        var names = narrow.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToList();
        Assert.Equal(["gpt-4o-mini", "mini"], names);
        var mini = narrow.GetProperty("data")[0];
        Assert.Equal("gpt-4o-mini", mini.GetProperty("model").GetString());
        Assert.Equal(0.30m, mini.GetProperty("price").GetProperty("input").GetDecimal());
        Assert.Equal(1.20m, mini.GetProperty("price").GetProperty("output").GetDecimal());

        var team = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/groups/team/models", key: GatewayHarness.ClientKey);
        var teamNames = team.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToList();
        Assert.Contains("gpt-4o", teamNames);
        Assert.Contains("claude-sonnet-4-5", teamNames);
        // An alias is listed under its own name, pointing at its model.
        var alias = team.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "mini");
        Assert.Equal("gpt-4o-mini", alias.GetProperty("model").GetString());
        Assert.Equal(0.15m, alias.GetProperty("price").GetProperty("input").GetDecimal());
        // A model no channel serves is not usable, whatever the price list says.
        Assert.DoesNotContain("dead-model-without-channel", teamNames);
    }

    /// <summary>Each actor against its own group and another: members and their admins read, everyone else is refused.</summary>
    [Fact]
    public async Task GroupQuotaAndModels_EveryActorAndGroup_AllowedOrRefused()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: Config);
        (string Label, string Key, string[] Groups)[] actors =
        [
            ("master", GatewayHarness.MasterKey, ["team", "narrow"]), ("super", TenancyFixture.BossKey, ["team", "narrow"]),
            ("lead", TenancyFixture.LeadKey, ["team"]), ("otherlead", TenancyFixture.OtherLeadKey, ["narrow"]),
            ("user", GatewayHarness.ClientKey, ["team"]),
        ];
        var failures = new List<string>();
        foreach (var (label, key, allowed) in actors)
        {
            foreach (var group in new[] { "team", "narrow", "nothing" })
            {
                foreach (var what in new[] { "quota", "models" })
                {
                    using var response = await gateway.Http.SendAsync(TenancyFixture.Request(HttpMethod.Get, $"/admin/groups/{group}/{what}", null, key));
                    var text = await response.Content.ReadAsStringAsync();
                    var expected = allowed.Contains(group) ? 200 : group == "nothing" && label is "master" or "super" ? 404 : 403;
                    if ((int)response.StatusCode != expected)
                    {
                        failures.Add($"{label} GET {group}/{what}: expected {expected}, got {(int)response.StatusCode} {text}");
                    }
                    else if (expected == 403 && JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("type").GetString() != "permission_error")
                    {
                        failures.Add($"{label} GET {group}/{what}: {text}");
                    }
                }
            }
        }
        using (var anonymous = await gateway.Http.SendAsync(TenancyFixture.Request(HttpMethod.Get, "/admin/groups/team/quota", null, null)))
        {
            Assert.Equal(401, (int)anonymous.StatusCode);
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
