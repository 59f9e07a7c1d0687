using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Configuration;
using Switchyard.Routing;
using Switchyard.SharedState;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>
/// A/B splits: sticky per key or header value, shares that hold, per-arm figures equal to the ledger, and a switch of
/// the percentages (blue-green) without a restart.
/// </summary>
public sealed class RouteSplitTests
{
    private static GatewayConfig WithSplit(GatewayConfig c, string sticky, decimal bluePercent)
    {
        var mock = c.Channels.Single(ch => ch.Name == "mock");
        return c with
        {
            Channels = [.. c.Channels, mock with { Name = "green-channel", Keys = ["green-key"], Priority = -10 }],
            Routes = [Split(sticky, bluePercent)],
        };
    }

    private static RouteRuleConfig Split(string sticky, decimal bluePercent) => new()
    {
        Name = "gpt4o-ab",
        Model = "gpt-4o",
        Split = new RouteSplit
        {
            Sticky = sticky,
            Arms =
            [
                new RouteArm { Name = "blue", Percent = bluePercent, Channels = ["mock"] },
                new RouteArm { Name = "green", Percent = 100 - bluePercent, Channels = ["green-channel"] },
            ],
        },
    };

    private static async Task<string> ChatAsync(GatewayHarness gateway, string? userId = null, string text = "hi", HttpStatusCode expect = HttpStatusCode.OK)
    {
        var request = gateway.Post("/v1/chat/completions", $$"""{"model":"gpt-4o","messages":[{"role":"user","content":"{{text}}"}]}""");
        if (userId is not null)
        {
            request.Headers.Add("x-user-id", userId);
        }
        using var response = await gateway.Http.SendAsync(request);
        Assert.Equal(expect, response.StatusCode);
        Assert.Equal("gpt4o-ab", response.Headers.GetValues("x-switchyard-route").Single());
        return response.Headers.GetValues("x-switchyard-arm").Single();
    }

    private static async Task<string[]> ManyAsync(int count, Func<int, Task<string>> send)
    {
        var arms = new string[count];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                arms[i] = await send(i);
            }
        }));
        return arms;
    }

    [Fact]
    public async Task SplitByKey_SameKeyStaysOnOneArmAcross1000Requests()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: c => WithSplit(c, "key", 50));

        var arms = await ManyAsync(1000, _ => ChatAsync(gateway));

        Assert.Single(arms.Distinct());
        var records = await gateway.LedgerAsync(1000);
        Assert.Equal(1000, records.Count);
        Assert.All(records, r => Assert.Equal(arms[0], r.Arm));
        Assert.All(records, r => Assert.Equal(arms[0] == "blue" ? "mock" : "green-channel", r.Channel));
    }

    [Fact]
    public async Task SplitByHeader_SharesHoldWithinAFewPercentAndEachValueSticks()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: c => WithSplit(c, "header:x-user-id", 70));

        var arms = await ManyAsync(1000, i => ChatAsync(gateway, $"user-{i}"));
        var again = await ManyAsync(200, i => ChatAsync(gateway, $"user-{i}"));

        var blue = arms.Count(a => a == "blue") / 1000.0;
        Assert.InRange(blue, 0.65, 0.75);
        Assert.Equal(arms.Take(200), again);
    }

    [Fact]
    public async Task UsageByArm_EqualsTheLedgerPerArm()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: c => WithSplit(c, "header:x-user-id", 50));
        for (var i = 0; i < 60; i++)
        {
            // Every fifth request fails upstream, so the arms' error counts are not zero.
            await ChatAsync(gateway, $"caller-{i}", i % 5 == 0 ? "hi [mock:status=500]" : "hi", i % 5 == 0 ? HttpStatusCode.InternalServerError : HttpStatusCode.OK);
        }
        var records = await gateway.LedgerAsync(60);

        var usage = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/usage?group_by=arm");

        Assert.Equal("arm", usage.GetProperty("group_by").GetString());
        var rows = usage.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!);
        Assert.Equal(["gpt4o-ab/blue", "gpt4o-ab/green"], rows.Keys.Order(StringComparer.Ordinal));
        foreach (var arm in new[] { "blue", "green" })
        {
            var row = rows["gpt4o-ab/" + arm];
            var mine = records.Where(r => r.Arm == arm).ToList();
            Assert.NotEmpty(mine);
            Assert.Equal(mine.Count, row.GetProperty("requests").GetInt64());
            Assert.Equal(mine.Count(r => r.Status >= 400), row.GetProperty("errors").GetInt64());
            Assert.Equal(mine.Sum(r => r.Usage.Input), row.GetProperty("input_tokens").GetInt64());
            Assert.Equal(mine.Sum(r => r.Usage.Output), row.GetProperty("output_tokens").GetInt64());
            Assert.Equal(mine.Sum(r => r.CostUsd), decimal.Parse(row.GetProperty("cost_usd").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
            var latencies = mine.Select(r => r.LatencyMs).Order().ToList();
            Assert.Equal(latencies[(int)Math.Ceiling(0.5 * latencies.Count) - 1], row.GetProperty("latency_p50_ms").GetInt64());
            Assert.Equal(latencies[(int)Math.Ceiling(0.95 * latencies.Count) - 1], row.GetProperty("latency_p95_ms").GetInt64());
        }
        Assert.Equal(60, rows.Values.Sum(r => r.GetProperty("requests").GetInt64()));
    }

    [Fact]
    public async Task SplitMovedTo100Percent_WithoutRestart_EveryCallerOnTheNewArm()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: c => WithSplit(c, "header:x-user-id", 50));
        var before = await ManyAsync(100, i => ChatAsync(gateway, $"u-{i}"));
        Assert.Contains("blue", before);

        // What a config reload does: the file's config changes and every snapshot is rebuilt from it.
        var runtime = gateway.Host.Services.GetRequiredService<GatewayRuntime>();
        runtime.FileConfig = runtime.FileConfig with { Routes = [Split("header:x-user-id", 0)] };
        await gateway.Host.Services.GetRequiredService<StateReloader>().ChangedAsync(CancellationToken.None);

        var after = await ManyAsync(100, i => ChatAsync(gateway, $"u-{i}"));
        Assert.All(after, a => Assert.Equal("green", a));
    }

    [Fact]
    public async Task ArmMetric_LabelsEachArm()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: c => WithSplit(c, "header:x-user-id", 50));
        var arms = await ManyAsync(40, i => ChatAsync(gateway, $"m-{i}"));

        var text = await gateway.Http.GetStringAsync("/metrics");

        foreach (var arm in arms.Distinct())
        {
            var line = text.Split('\n').Single(l => l.StartsWith("switchyard_route_requests_total{", StringComparison.Ordinal)
                && l.Contains($"arm=\"{arm}\"", StringComparison.Ordinal) && l.Contains("route=\"gpt4o-ab\"", StringComparison.Ordinal));
            Assert.EndsWith(" " + arms.Count(a => a == arm), line, StringComparison.Ordinal);
        }
    }
}
