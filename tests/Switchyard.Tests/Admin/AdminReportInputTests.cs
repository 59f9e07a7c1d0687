using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Admin;

/// <summary>What admin reports do with hostile input: dates at the ends of the calendar, and names that spreadsheets would run.</summary>
public sealed class AdminReportInputTests
{
    [Theory]
    [InlineData("/admin/usage?from=0001-01-01&to=9999-12-31")]
    [InlineData("/admin/usage?to=9999-12-31")]
    [InlineData("/admin/usage?from=9999-12-31T23:59:59.999Z")]
    [InlineData("/admin/usage?from=0001-01-01")]
    [InlineData("/admin/usage?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z&group_by=day")]
    [InlineData("/admin/requests?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z")]
    [InlineData("/admin/requests?to=9999-12-31T23:59:59.9999999Z")]
    [InlineData("/admin/audit?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z")]
    [InlineData("/admin/reconciliation?day=9999-12-31")]
    public async Task AdminTimeParameter_AtTheEndsOfTheCalendar_Answers400(string path)
    {
        await using var gateway = await GatewayHarness.StartAsync();

        using var response = await gateway.Http.SendAsync(TenancyFixture.Request(HttpMethod.Get, path, null, GatewayHarness.MasterKey));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path}: {(int)response.StatusCode} {text}");
        Assert.Equal("invalid_request_error", JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task AdminTimeParameter_OrdinaryRange_StillAnswers()
    {
        await using var gateway = await GatewayHarness.StartAsync();

        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/usage?from=2020-01-01&to=2100-12-31&group_by=day");
        await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/requests?from=2020-01-01T00:00:00Z&to=2100-12-31T00:00:00Z");
    }

    private static readonly string[] Dangerous = ["=", "+", "-", "@", "\t", "\r"];

    [Fact]
    public async Task UsageCsv_KeyAndModelNamesStartingWithAFormulaCharacter_AreWrittenAsText()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        var names = Dangerous.Select(c => c + "SUM(1+1)*cmd|' /C calc'!A0").ToList();
        foreach (var name in names)
        {
            var key = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Post, "/admin/keys",
                JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = name, ["group"] = "team" }), expect: 201);
            using var ok = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions",
                """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", key.GetProperty("key").GetString()));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            // The model is the client's choice even when no channel serves it: refused, so in the request log only.
            using var unknown = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions",
                JsonSerializer.Serialize(new { model = name, messages = new[] { new { role = "user", content = "hi" } } })));
            Assert.False(unknown.IsSuccessStatusCode);
        }
        await gateway.LedgerAsync(expectAtLeast: names.Count * 2);
        // Records written before refusals were marked still count such a name as usage, as do model names admins choose.
        await gateway.Host.Services.GetRequiredService<Switchyard.Storage.LedgerStore>().InsertAsync([.. names.Select((name, i) => new Switchyard.Billing.UsageRecord
        {
            RequestId = $"req_old_{i}",
            CreatedAt = DateTimeOffset.UtcNow,
            Endpoint = "chat.completions",
            Group = "team",
            RequestedModel = name,
            Status = 404,
            LatencyMs = 1,
        })], default);

        foreach (var groupBy in new[] { "key", "model" })
        {
            using var response = await gateway.Http.SendAsync(TenancyFixture.Request(HttpMethod.Get, $"/admin/usage?group_by={groupBy}&format=csv", null, GatewayHarness.MasterKey));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var cells = ParseCsv(await response.Content.ReadAsStringAsync()).Skip(1).Select(row => row[0]).ToList();
            foreach (var name in names)
            {
                Assert.Contains("'" + name, cells);
            }
            Assert.All(cells, cell => Assert.False(cell.Length > 0 && Dangerous.Contains(cell[..1]), $"cell starts with a formula character: {cell}"));
        }
    }

    /// <summary>RFC 4180: quoted cells may hold commas, quotes (doubled) and line breaks.</summary>
    private static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add(row);
                row = [];
            }
            else
            {
                cell.Append(c);
            }
        }
        return rows;
    }
}
