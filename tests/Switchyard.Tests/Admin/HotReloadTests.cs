using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Hosting;
using Switchyard.MockUpstream;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Admin;

/// <summary>Two gateway instances on one database: what the admin API changes through one applies on the other within a second.</summary>
[Collection(TimingCollection.Name)]
public sealed class HotReloadTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task ChannelsAndRevocations_ReachTheOtherInstance_WithinASecond(DatabaseKind kind)
    {
        await using var mock = await MockUpstreamServer.StartAsync(0);
        var config = TenancyFixture.Company(GatewayHarness.DefaultConfig(mock.BaseAddress, await TestDatabases.CreateAsync(kind)));
        await using var first = await SwitchyardHost.StartAsync(config, logging => logging.ClearProviders());
        await using var second = await SwitchyardHost.StartAsync(config, logging => logging.ClearProviders());
        using var a = new HttpClient { BaseAddress = first.Address };
        using var b = new HttpClient { BaseAddress = second.Address };
        var mockUrl = new Uri(mock.BaseAddress, "v1").ToString();

        Assert.NotEqual(HttpStatusCode.OK, await ChatAsync(b, "hot-model", GatewayHarness.ClientKey));

        await TenancyFixture.SendAsync(a, HttpMethod.Post, "/admin/channels",
            $$$"""{"name":"hot","type":"openai","base_url":"{{{mockUrl}}}","keys":["sk-hot-upstream-key-0000000001"],"model_map":{"hot-model":"gpt-4o"}}""", expect: 201);
        var served = await WithinAsync(async () => await ChatAsync(b, "hot-model", GatewayHarness.ClientKey) == HttpStatusCode.OK);
        Assert.True(served < Bound, $"the new channel reached the second instance after {served}");

        await TenancyFixture.SendAsync(a, HttpMethod.Patch, "/admin/channels/hot", """{"model_map":{"warm-model":"gpt-4o"}}""");
        var changed = await WithinAsync(async () => await ChatAsync(b, "warm-model", GatewayHarness.ClientKey) == HttpStatusCode.OK);
        Assert.True(changed < Bound, $"the changed channel reached the second instance after {changed}");
        Assert.NotEqual(HttpStatusCode.OK, await ChatAsync(b, "hot-model", GatewayHarness.ClientKey));

        await TenancyFixture.SendAsync(a, HttpMethod.Delete, "/admin/channels/hot", expect: 204);
        var removed = await WithinAsync(async () => await ChatAsync(b, "warm-model", GatewayHarness.ClientKey) != HttpStatusCode.OK);
        Assert.True(removed < Bound, $"the deleted channel left the second instance after {removed}");

        var key = await TenancyFixture.SendAsync(a, HttpMethod.Post, "/admin/keys", """{"name":"short-lived","group":"team"}""", expect: 201);
        var secret = key.GetProperty("key").GetString()!;
        var known = await WithinAsync(async () => await ChatAsync(b, "gpt-4o", secret) == HttpStatusCode.OK);
        Assert.True(known < Bound, $"the new key reached the second instance after {known}");
        await TenancyFixture.SendAsync(a, HttpMethod.Delete, $"/admin/keys/{key.GetProperty("id").GetString()}");
        var revoked = await WithinAsync(async () => await ChatAsync(b, "gpt-4o", secret) == HttpStatusCode.Unauthorized);
        Assert.True(revoked < Bound, $"the revocation reached the second instance after {revoked}");
    }

    /// <summary>How long until the condition held (it is polled; the test fails if it never holds in 5 s).</summary>
    private static async Task<TimeSpan> WithinAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the change never arrived");
            await Task.Delay(20);
        }
        return clock.Elapsed;
    }

    private static async Task<HttpStatusCode> ChatAsync(HttpClient client, string model, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", key);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
