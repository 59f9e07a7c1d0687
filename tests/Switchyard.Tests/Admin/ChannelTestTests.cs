using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Configuration;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Admin;

/// <summary>
/// POST /admin/channels/{name}/test and /admin/channels/{name}/keys/{index}/test: each key probed as the health
/// checker probes it, the outcome answered (status, latency, the upstream's error text without key material),
/// saved where the health checker keeps its results, and audited; the same reach as editing channels.
/// </summary>
public sealed class ChannelTestTests
{
    private const string BadKey = "mock-invalid-key";

    /// <summary>The company, and a channel to the mock with a good key and one the mock refuses.</summary>
    private static GatewayConfig WithTestChannel(GatewayConfig c) => TenancyFixture.Company(c) with
    {
        Channels =
        [
            .. c.Channels,
            new ChannelConfig
            {
                Name = "mixed",
                Type = "openai",
                BaseUrl = c.Channels[0].BaseUrl,
                Keys = ["sk-good-upstream-key-0000000001", BadKey],
                Models = ["gpt-4o"],
            },
        ],
    };

    private static Task<GatewayHarness> StartAsync() => GatewayHarness.StartAsync(customize: WithTestChannel);

    [Fact]
    public async Task TestAll_GoodAndRefusedKey_StatusLatencyRedactedErrorSavedAndAudited()
    {
        await using var gateway = await StartAsync();
        var answer = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Post, "/admin/channels/mixed/test");

        Assert.Equal("mixed", answer.GetProperty("channel").GetString());
        var results = answer.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2, results.Count);
        Assert.Equal("mixed#0", results[0].GetProperty("key_id").GetString());
        Assert.True(results[0].GetProperty("ok").GetBoolean());
        Assert.Equal(200, results[0].GetProperty("status").GetInt32());
        Assert.True(results[0].GetProperty("latency_ms").GetInt64() >= 0);
        Assert.Equal(JsonValueKind.Null, results[0].GetProperty("error").ValueKind);

        Assert.False(results[1].GetProperty("ok").GetBoolean());
        Assert.Equal(401, results[1].GetProperty("status").GetInt32());
        var error = results[1].GetProperty("error").GetString()!;
        Assert.Contains("Incorrect API key provided", error, StringComparison.Ordinal);
        // The mock echoes the key masked as "mock-inv***key", as OpenAI does: no part of it may come back.
        Assert.DoesNotContain("mock-inv", error, StringComparison.Ordinal);
        Assert.DoesNotContain("***", error, StringComparison.Ordinal);
        Assert.True(error.Length <= 300, error);
        var raw = answer.GetRawText();
        Assert.DoesNotContain(BadKey, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-good-upstream-key", raw, StringComparison.Ordinal);

        // Where the health checker keeps its results, so every instance and the channel list see them.
        var saved = await gateway.Host.Services.GetRequiredService<HealthStore>().LoadAsync(default);
        Assert.True(saved["mixed#0"].Ok);
        Assert.Equal(401, saved["mixed#1"].Status);
        Assert.Equal(error, saved["mixed#1"].Error);
        var channel = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/channels/mixed");
        var keys = channel.GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal(200, keys[0].GetProperty("last_health_check").GetProperty("status").GetInt32());
        Assert.Equal(401, keys[1].GetProperty("last_health_check").GetProperty("status").GetInt32());
        // A refused key is disabled as the health checker would disable it.
        Assert.Equal("disabled", keys[1].GetProperty("state").GetString());

        var audit = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/audit?action=channel.test");
        var entry = audit.GetProperty("data")[0];
        Assert.Equal("mixed", entry.GetProperty("target").GetString());
        Assert.Equal("channel", entry.GetProperty("target_type").GetString());
        Assert.DoesNotContain(BadKey, entry.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestKey_OneKey_OnlyThatKeyProbed()
    {
        await using var gateway = await StartAsync();
        var answer = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Post, "/admin/channels/mixed/keys/1/test");
        var results = answer.GetProperty("results").EnumerateArray().ToList();
        Assert.Single(results);
        Assert.Equal("mixed#1", results[0].GetProperty("key_id").GetString());
        Assert.Equal(401, results[0].GetProperty("status").GetInt32());
        var saved = await gateway.Host.Services.GetRequiredService<HealthStore>().LoadAsync(default);
        Assert.False(saved.ContainsKey("mixed#0"));
        var audit = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/audit?action=channel.test");
        Assert.Equal("mixed#1", audit.GetProperty("data")[0].GetProperty("target").GetString());
    }

    [Fact]
    public async Task TestKey_Unreachable_StatusNullAndReason()
    {
        await using var gateway = await StartAsync();
        var answer = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Post, "/admin/channels/unreachable/keys/0/test");
        var result = answer.GetProperty("results")[0];
        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("status").ValueKind);
        Assert.StartsWith("unreachable", result.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Every actor against every kind of target: a config-file channel, an API-made one, a missing one, a key index
    /// out of range. Only super admins (and the master key) test; the others are refused before any target is
    /// looked up, so a refusal says nothing of what exists; refusals probe nothing and are not audited as tests.
    /// </summary>
    [Fact]
    public async Task Test_EveryActorAndTarget_AllowedOrRefused()
    {
        await using var gateway = await StartAsync();
        var http = gateway.Http;
        var mockUrl = new Uri(gateway.Mock.BaseAddress, "v1").ToString();
        await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/channels",
            $$"""{"name":"made","type":"openai","base_url":"{{mockUrl}}","keys":["sk-upstream-made-0000000000"],"models":["gpt-4o"]}""", expect: 201);
        (string Label, string Key)[] actors =
        [
            ("master", GatewayHarness.MasterKey), ("super", TenancyFixture.BossKey), ("lead", TenancyFixture.LeadKey),
            ("otherlead", TenancyFixture.OtherLeadKey), ("user", GatewayHarness.ClientKey),
        ];
        (string Path, int SuperStatus)[] targets =
        [
            ("/admin/channels/mock/test", 200), ("/admin/channels/made/test", 200), ("/admin/channels/mock/keys/0/test", 200),
            ("/admin/channels/made/keys/0/test", 200), ("/admin/channels/nothing/test", 404), ("/admin/channels/nothing/keys/0/test", 404),
            ("/admin/channels/mock/keys/5/test", 404), ("/admin/channels/mock/keys/x/test", 404),
        ];
        var failures = new List<string>();
        foreach (var (label, key) in actors)
        {
            foreach (var (path, superStatus) in targets)
            {
                using var response = await http.SendAsync(TenancyFixture.Request(HttpMethod.Post, path, null, key));
                var text = await response.Content.ReadAsStringAsync();
                var expected = label is "master" or "super" ? superStatus : 403;
                if ((int)response.StatusCode != expected)
                {
                    failures.Add($"{label} POST {path}: expected {expected}, got {(int)response.StatusCode} {text}");
                }
                else if (expected != 200 && JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("type").GetString() is not ("permission_error" or "not_found_error"))
                {
                    failures.Add($"{label} POST {path}: not in the admin error shape: {text}");
                }
            }
        }
        using (var anonymous = await http.SendAsync(TenancyFixture.Request(HttpMethod.Post, "/admin/channels/mock/test", null, null)))
        {
            Assert.Equal(401, (int)anonymous.StatusCode);
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // Four allowed tests by each of two super callers: eight audit entries, none for the refusals.
        var audit = await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/audit?action=channel.test");
        Assert.Equal(8, audit.GetProperty("data").GetArrayLength());
    }
}
