using System.Net;
using Switchyard.Configuration;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>
/// Ordered routing rules that look at the request (header, group or key, estimated prompt size, tools, images,
/// reasoning, client protocol): the first that matches picks the target, and names itself in the ledger and a header.
/// </summary>
public sealed class RouteRuleTests
{
    private static readonly string[] RuleChannels = ["r-header", "r-tools", "r-images", "r-reasoning", "r-size", "r-protocol", "r-group"];

    private static GatewayConfig WithRules(GatewayConfig c)
    {
        var mock = c.Channels.Single(ch => ch.Name == "mock");
        // Below the default channel's priority: only a rule sends traffic there.
        var extra = RuleChannels.Select(name => mock with { Name = name, Keys = [name + "-key"], Models = ["gpt-4o", "gpt-4o-mini"], Priority = -10 });
        return c with
        {
            Channels = [.. c.Channels, .. extra],
            Routes =
            [
                new RouteRuleConfig { Name = "by-header", Model = "gpt-4o", When = new RouteConditions { Headers = new Dictionary<string, string> { ["x-switchyard-route"] = "canary" } }, Target = new RouteTarget { Channels = ["r-header"] } },
                new RouteRuleConfig { Name = "cheap-tier", Model = "gpt-4o", When = new RouteConditions { Headers = new Dictionary<string, string> { ["x-tier"] = "cheap" } }, Target = new RouteTarget { Model = "gpt-4o-mini" } },
                new RouteRuleConfig { Name = "by-tools", Model = "gpt-4o*", When = new RouteConditions { Tools = true }, Target = new RouteTarget { Channels = ["r-tools"] } },
                new RouteRuleConfig { Name = "by-images", Model = "gpt-4o", When = new RouteConditions { Images = true }, Target = new RouteTarget { Channels = ["r-images"] } },
                new RouteRuleConfig { Name = "by-reasoning", Model = "gpt-4o", When = new RouteConditions { Reasoning = true }, Target = new RouteTarget { Channels = ["r-reasoning"] } },
                new RouteRuleConfig { Name = "long-context", Model = "gpt-4o", When = new RouteConditions { MinPromptTokens = 2000 }, Target = new RouteTarget { Channels = ["r-size"] } },
                new RouteRuleConfig { Name = "by-protocol", Model = "gpt-4o", When = new RouteConditions { Protocols = ["anthropic.messages"] }, Target = new RouteTarget { Channels = ["r-protocol"] } },
                new RouteRuleConfig { Name = "by-group", Model = "gpt-4o", When = new RouteConditions { Groups = ["team"], Keys = ["client-key"] }, Target = new RouteTarget { Channels = ["r-group"] } },
            ],
        };
    }

    private static async Task<(HttpResponseMessage Response, string Body)> ChatAsync(GatewayHarness gateway, string json, (string, string)? header = null)
    {
        var request = gateway.Post("/v1/chat/completions", json);
        if (header is { } h)
        {
            request.Headers.Add(h.Item1, h.Item2);
        }
        var response = await gateway.Http.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EachRuleKind_FirstMatchWins_NamedInLedgerAndHeader()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: WithRules);
        const string plain = """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""";
        var cases = new (string Rule, string? Channel, Func<Task<(HttpResponseMessage Response, string Body)>> Send)[]
        {
            ("by-header", "r-header", () => ChatAsync(gateway, """{"model":"gpt-4o","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"messages":[{"role":"user","content":"hi"}]}""", ("x-switchyard-route", "canary"))),
            ("cheap-tier", null, () => ChatAsync(gateway, plain, ("x-tier", "cheap"))),
            ("by-tools", "r-tools", () => ChatAsync(gateway, """{"model":"gpt-4o","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"messages":[{"role":"user","content":"hi"}]}""")),
            ("by-images", "r-images", () => ChatAsync(gateway, """{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"what is it"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]}""")),
            ("by-reasoning", "r-reasoning", () => ChatAsync(gateway, """{"model":"gpt-4o","reasoning_effort":"high","messages":[{"role":"user","content":"hi"}]}""")),
            ("long-context", "r-size", () => ChatAsync(gateway, $$"""{"model":"gpt-4o","messages":[{"role":"user","content":"{{string.Join(' ', Enumerable.Repeat("word", 2400))}}"}]}""")),
            ("by-group", "r-group", () => ChatAsync(gateway, plain)),
        };

        foreach (var (rule, channel, send) in cases)
        {
            var (response, body) = await send();
            using (response)
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{rule}: {response.StatusCode} {body}");
                Assert.Equal(rule, response.Headers.GetValues("x-switchyard-route").Single());
            }
        }
        using (var anthropic = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = new StringContent("""{"model":"gpt-4o","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"),
            Headers = { { "x-api-key", GatewayHarness.ClientKey }, { "anthropic-version", "2023-06-01" } },
        })
        using (var response = await gateway.Http.SendAsync(anthropic))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("by-protocol", response.Headers.GetValues("x-switchyard-route").Single());
        }
        // No rule names gpt-4o-mini: the narrow key's request routes as configured and carries no route header.
        using (var unrouted = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", GatewayHarness.NarrowKey)))
        {
            Assert.Equal(HttpStatusCode.OK, unrouted.StatusCode);
            Assert.False(unrouted.Headers.Contains("x-switchyard-route"));
        }

        var records = await gateway.LedgerAsync(cases.Length + 2);
        foreach (var (rule, channel, _) in cases)
        {
            var record = Assert.Single(records, r => r.Route == rule);
            Assert.Equal(channel ?? "mock", record.Channel);
        }
        var cheap = Assert.Single(records, r => r.Route == "cheap-tier");
        Assert.Equal("gpt-4o", cheap.RequestedModel);
        Assert.Equal("gpt-4o-mini", cheap.ServedModel);
        Assert.Equal("r-protocol", Assert.Single(records, r => r.Route == "by-protocol").Channel);
        var plainRecord = Assert.Single(records, r => r.Route is null);
        Assert.Equal("mock", plainRecord.Channel);
    }

    [Fact]
    public void Parse_Routes_ReadAndValidated()
    {
        var config = ConfigLoader.Parse("""
            channels:
              - { name: up, type: openai, base_url: https://api.openai.com/v1, keys: [k], models: [gpt-4o, gpt-4o-mini] }
            routes:
              - name: canary
                model: "gpt-4o*"
                when: { header: { x-switchyard-route: canary }, groups: [rd], keys: [k1], min_prompt_tokens: 10, max_prompt_tokens: 100, tools: true, images: false, reasoning: true, protocols: [openai.chat] }
                target: { model: gpt-4o-mini, channels: [up] }
            """);
        var rule = Assert.Single(config.Routes);
        Assert.Equal("canary", rule.Name);
        Assert.Equal("canary", rule.When.Headers["x-switchyard-route"]);
        Assert.Equal(10, rule.When.MinPromptTokens);
        Assert.True(rule.When.Tools);
        Assert.False(rule.When.Images);
        Assert.Equal(["openai.chat"], rule.When.Protocols);
        Assert.Equal("gpt-4o-mini", rule.Target!.Model);

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("""
            routes:
              - { name: a, model: x, when: { protocols: [grpc] }, target: { model: y } }
              - { name: a, model: x }
            """));
        Assert.Contains(error.Problems, p => p.StartsWith("routes[0].when.protocols[0]:", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("routes[1].name:", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("routes[1]:", StringComparison.Ordinal) && p.Contains("target or split", StringComparison.Ordinal));
    }
}
