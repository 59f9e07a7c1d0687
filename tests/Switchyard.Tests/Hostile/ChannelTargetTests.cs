using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Switchyard.Configuration;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Hostile;

/// <summary>
/// Where a channel may point: never at a cloud metadata service or a link-local address (from the config file,
/// the admin API or a DNS answer), and never in a loop back through the gateway itself.
/// </summary>
public sealed class ChannelTargetTests
{
    private static GatewayConfig WithChannel(string baseUrl, UpstreamHostsConfig? hosts = null, string listen = "http://127.0.0.1:4000") => new()
    {
        Server = new ServerConfig { Listen = listen },
        Security = new SecurityConfig { UpstreamHosts = hosts ?? new UpstreamHostsConfig() },
        Channels = [new ChannelConfig { Name = "target", Type = "openai", BaseUrl = baseUrl, Keys = ["k"], Models = ["m"] }],
    };

    private static IEnumerable<string> BaseUrlProblems(GatewayConfig config) => ConfigValidator.Problems(config).Where(p => p.Contains("base_url", StringComparison.Ordinal));

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://169.254.0.1:8000/v1")]
    [InlineData("http://[fd00:ec2::254]/latest")]
    [InlineData("http://[fe80::1]:8000/v1")]
    [InlineData("http://[::ffff:169.254.169.254]/")]
    [InlineData("http://100.100.100.200/latest")]
    [InlineData("http://metadata.google.internal/computeMetadata/v1")]
    [InlineData("http://METADATA.goog./v1")]
    [InlineData("http://2852039166/")]
    public void Validate_MetadataOrLinkLocalTarget_IsRefused(string baseUrl)
    {
        Assert.Single(BaseUrlProblems(WithChannel(baseUrl)));
    }

    [Theory]
    [InlineData("http://127.0.0.1:11434/v1")]
    [InlineData("http://localhost:8000/v1")]
    [InlineData("http://[::1]:8000/v1")]
    [InlineData("http://10.0.0.5:8000/v1")]
    [InlineData("http://192.168.1.20/v1")]
    [InlineData("http://172.16.4.4/v1")]
    [InlineData("https://api.openai.com/v1")]
    [InlineData("http://127.0.0.1:4001/v1")]
    public void Validate_LoopbackPrivateAndPublicTargets_AreAllowed(string baseUrl)
    {
        Assert.Empty(BaseUrlProblems(WithChannel(baseUrl)));
    }

    [Theory]
    [InlineData("http://127.0.0.1:4000/v1", "http://127.0.0.1:4000")]
    [InlineData("http://localhost:4000/v1", "http://127.0.0.1:4000")]
    [InlineData("http://127.0.0.1:4000/v1", "http://0.0.0.0:4000")]
    [InlineData("http://gateway.internal:4000/v1", "http://gateway.internal:4000")]
    public void Validate_TargetIsTheGatewaysOwnListenAddress_IsRefused(string baseUrl, string listen)
    {
        Assert.Contains("itself", Assert.Single(BaseUrlProblems(WithChannel(baseUrl, listen: listen))), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AllowAtLeastAsSpecificAsADefault_OverridesIt()
    {
        var hosts = new UpstreamHostsConfig { Allow = ["169.254.10.0/24"] };

        Assert.Empty(BaseUrlProblems(WithChannel("http://169.254.10.5:8000/v1", hosts)));
        Assert.Single(BaseUrlProblems(WithChannel("http://169.254.169.254/", hosts)));
    }

    [Fact]
    public void Validate_BroadAllow_DoesNotReopenMetadata()
    {
        var hosts = new UpstreamHostsConfig { Allow = ["0.0.0.0/0", "::/0"] };

        Assert.Single(BaseUrlProblems(WithChannel("http://169.254.169.254/", hosts)));
        Assert.Single(BaseUrlProblems(WithChannel("http://[fd00:ec2::254]/", hosts)));
    }

    [Fact]
    public void Validate_ConfiguredDeny_WinsOverAllow()
    {
        var hosts = new UpstreamHostsConfig { Allow = ["10.1.0.0/16"], Deny = ["10.0.0.0/8"] };

        Assert.Single(BaseUrlProblems(WithChannel("http://10.1.2.3/v1", hosts)));
        Assert.Empty(BaseUrlProblems(WithChannel("http://192.168.0.1/v1", hosts)));
    }

    [Fact]
    public void Parse_UpstreamHostsSection_ReadsListsAndRefusesBadRanges()
    {
        var config = ConfigLoader.Parse("""
            security:
              upstream_hosts:
                allow: [169.254.10.0/24]
                deny: [10.0.0.0/8, 192.168.7.7]
            """);
        Assert.Equal(["169.254.10.0/24"], config.Security.UpstreamHosts.Allow);
        Assert.Equal(["10.0.0.0/8", "192.168.7.7"], config.Security.UpstreamHosts.Deny);

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("""
            security:
              upstream_hosts:
                deny: [not-a-range]
            """));
        Assert.Contains(error.Problems, p => p.StartsWith("security.upstream_hosts.deny[0]", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest")]
    [InlineData("http://metadata.google.internal/v1")]
    public async Task AdminCreateChannel_MetadataTarget_Is400(string baseUrl)
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);

        var body = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Post, "/admin/channels",
            $$"""{"name":"imds","type":"openai","base_url":"{{baseUrl}}","keys":["k"],"models":["imds-model"]}""", expect: 400);

        Assert.Equal("upstream_host_refused", body.GetProperty("error").GetProperty("code").GetString());
        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/channels/imds", expect: 404);
    }

    [Fact]
    public async Task Connect_NameResolvingToADeniedAddress_IsRefusedBeforeAnyByteIsSent()
    {
        // "localhost" passes validation as a name; at connect time it resolves to loopback, which this config denies.
        await using var gateway = await GatewayHarness.StartAsync(customize: c => c with
        {
            Security = c.Security with { UpstreamHosts = new UpstreamHostsConfig { Deny = ["127.0.0.0/8", "::1/128"] } },
            Channels = [.. c.Channels.Where(ch => ch.Name == "mock").Select(ch => ch with { BaseUrl = ch.BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) })],
        });

        using var response = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Empty(gateway.Mock.Requests);
    }

    [Fact]
    public async Task Connect_NameResolvingToAnAllowedAddress_IsServed()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: c => c with
        {
            Channels = [.. c.Channels.Where(ch => ch.Name == "mock").Select(ch => ch with { BaseUrl = ch.BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) })],
        });

        using var response = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(gateway.Mock.Requests);
    }

    [Fact]
    public async Task Relay_ChannelPointingAtTheGatewayItself_Is508AtOnce()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        // The listen port is only known after start, so the config check cannot see this one: the hop header must.
        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Post, "/admin/channels",
            $$$"""{"name":"self","type":"openai","base_url":"{{{new Uri(gateway.BaseAddress, "v1")}}}","keys":["{{{GatewayHarness.ClientKey}}}"],"model_map":{"loop-model":"loop-model"}}""",
            expect: 201);
        var clock = Stopwatch.StartNew();

        using var response = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"loop-model","messages":[{"role":"user","content":"hi"}]}"""));

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal((HttpStatusCode)508, response.StatusCode);
        Assert.Equal("loop_detected", JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        var records = await gateway.LedgerAsync(2);
        Assert.Equal(2, records.Count);
    }

    [Fact]
    public async Task Relay_HopChainLongerThanTheBound_Is508()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        using var request = gateway.Post("/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""");
        request.Headers.Add("x-switchyard-hop", string.Join(",", Enumerable.Range(0, 8).Select(i => $"other{i}")));

        using var response = await gateway.Http.SendAsync(request);

        Assert.Equal((HttpStatusCode)508, response.StatusCode);
        Assert.Empty(gateway.Mock.Requests);
    }

    [Fact]
    public async Task Relay_UpstreamRequest_CarriesTheHopHeaderAfterTheCallersChain()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        using var request = gateway.Post("/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""");
        request.Headers.Add("x-switchyard-hop", "edge-gateway");

        using var response = await gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var hops = Assert.Single(gateway.Mock.Requests).Headers["x-switchyard-hop"];
        Assert.Matches("^edge-gateway,[0-9a-f]{16}$", hops);
    }
}
