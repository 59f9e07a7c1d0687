using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Hostile;

/// <summary>A plain user (wang, of group team) reaching for others' keys and accounts or past its group's limits.</summary>
public sealed class UserTests
{
    private const string Wang = GatewayHarness.ClientKey;

    [Fact]
    public async Task User_OthersKeysAndAccounts_AreOutOfReach_AndLookMissing()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        var http = gateway.Http;
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/users", """{"name":"li","group":"team"}""", expect: 201);
        var leadKey = (await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/keys?user=lead")).GetProperty("data")[0].GetProperty("id").GetString();

        // Keys for a peer, for its group admin or its super admin: the names answer like unknown ones.
        foreach (var target in new[] { "li", "lead", "boss", "no-such-user" })
        {
            var refused = await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/keys", $$"""{"name":"for-{{target}}","group":"team","user":"{{target}}"}""", Wang, expect: 400);
            Assert.Equal("user", refused.GetProperty("error").GetProperty("param").GetString());
        }
        // Another's key, password or lock.
        await TenancyFixture.SendAsync(http, HttpMethod.Delete, $"/admin/keys/{leadKey}", key: Wang, expect: 404);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/users/li", """{"password":"wang knows this one"}""", Wang, expect: 404);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/users/boss", """{"unlock":true}""", Wang, expect: 404);
        // Its own role and limits are not its to change.
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/users/wang", """{"role":"super_admin"}""", Wang, expect: 403);
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/users/wang", """{"limits":{}}""", Wang, expect: 403);

        // Its own keys stay its own, within the group's ceiling.
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/groups/team", """{"limits":{"rpm":10}}""");
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/keys", """{"name":"wide","group":"team","user":"wang","limits":{"rpm":11}}""", Wang, expect: 403);
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/keys", """{"name":"mine","group":"team","user":"wang","limits":{"rpm":10}}""", Wang, expect: 201);
    }
}
