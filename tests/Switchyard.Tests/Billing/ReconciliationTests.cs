using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Billing;
using Switchyard.Billing.Reconciliation;
using Switchyard.Configuration;
using Switchyard.Contracts;
using Switchyard.Routing;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Billing;

/// <summary>The gateway's ledger beside an upstream export: equal files pass, an injected difference is found.</summary>
public sealed class ReconciliationTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static UsageRecord Record(string id, string channel, string model, TokenUsage usage, decimal cost, DateTimeOffset? at = null) => new()
    {
        RequestId = id,
        CreatedAt = at ?? Noon,
        Endpoint = "chat.completions",
        KeyName = "k",
        Channel = channel,
        RequestedModel = model,
        ServedModel = model,
        Status = 200,
        Usage = usage,
        CostUsd = cost,
        LatencyMs = 1,
    };

    /// <summary>Two gpt-4o calls and one claude call on 2026-11-30, one more gpt-4o call the day before.</summary>
    private static async Task<(ReconciliationService Service, ReconciliationStore Store)> LedgerAsync(DatabaseKind kind, TimeProvider time, ReconciliationConfig? tolerance = null)
    {
        var dialect = await TestDatabases.CreateMigratedAsync(kind);
        await new LedgerStore(dialect).InsertAsync(
        [
            Record("r1", "openai", "gpt-4o", new TokenUsage(1000, 100, 400, 0, 0), 0.0025m),
            Record("r2", "openai", "gpt-4o", new TokenUsage(500, 50, 0, 0, 0), 0.00175m),
            Record("r3", "claude", "claude-sonnet-4-5", new TokenUsage(12_050, 400, 10_000, 2_000, 0), 0.01665m),
            Record("r0", "openai", "gpt-4o", new TokenUsage(7, 7, 0, 0, 0), 1m, Noon.AddDays(-1)),
        ], default);
        var config = new GatewayConfig
        {
            Channels =
            [
                new ChannelConfig { Name = "openai", Type = "openai", BaseUrl = "http://127.0.0.1:9/v1" },
                new ChannelConfig { Name = "claude", Type = "anthropic", BaseUrl = "http://127.0.0.1:9/v1" },
            ],
            Reconciliation = tolerance ?? new ReconciliationConfig(),
        };
        var store = new ReconciliationStore(dialect);
        return (new ReconciliationService(new GatewayRuntime(config, time), store, time), store);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task EqualExport_Matches_AndIsStored(DatabaseKind kind)
    {
        var (service, store) = await LedgerAsync(kind, TimeProvider.System);
        // OpenAI names the snapshot it served; the gateway asked for gpt-4o.
        const string export = "date,model,input_tokens,output_tokens,cost\n2026-11-30,gpt-4o-2024-08-06,1500,150,0.00425\n";

        var (report, error, _) = await service.RunAsync("openai", new DateOnly(2026, 11, 30), [export], "upload", default);

        Assert.Null(error);
        Assert.Equal("match", report!.Verdict);
        var model = Assert.Single(report.Models!);
        Assert.Equal(new ModelReconciliation("gpt-4o", "match", new UsageFigures(2, 1500, 400, 150, "0.00425"),
            new UsageFigures(null, 1500, 0, 150, "0.00425"), 0, 0, "0"), model);
        var stored = await store.FindAsync(report.Id, default);
        Assert.Equal(report.Models, stored!.Models);
        Assert.Equal(report with { Models = null, CreatedAt = stored.CreatedAt }, stored with { Models = null });
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task InjectedDifference_IsAMismatch_WithTheDifferences(DatabaseKind kind)
    {
        var (service, _) = await LedgerAsync(kind, TimeProvider.System);
        // The upstream counted 40 more input tokens (2.7%, beyond the 1% tolerance) and billed more.
        const string export = "date,model,input_tokens,output_tokens,cost\n2026-11-30,gpt-4o,1540,150,0.09\n";

        var (report, _, _) = await service.RunAsync("openai", new DateOnly(2026, 11, 30), [export], "upload", default);

        Assert.Equal("mismatch", report!.Verdict);
        var model = Assert.Single(report.Models!);
        Assert.Equal(("mismatch", -40L, 0L, "-0.08575"), (model.Verdict, model.InputTokensDifference, model.OutputTokensDifference, model.CostUsdDifference));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task SmallDifferenceWithinTolerance_Matches_ModelOnOneSideOnly_DoesNot(DatabaseKind kind)
    {
        var (service, _) = await LedgerAsync(kind, TimeProvider.System, new ReconciliationConfig { Tolerance = 0.05m, ToleranceUsd = 0.001m });
        const string export = "date,model,input_tokens,output_tokens,cost\n2026-11-30,gpt-4o,1540,150,0.0045\n2026-11-30,gpt-4.1,10,10,0.0001\n";

        var (report, _, _) = await service.RunAsync("openai", new DateOnly(2026, 11, 30), [export], "upload", default);

        Assert.Equal([("gpt-4.1", "missing_in_gateway"), ("gpt-4o", "match")], report!.Models!.Select(m => (m.Model, m.Verdict)));
        Assert.Equal("mismatch", report.Verdict);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task AnthropicChannel_ExportInputWithoutCache_ComparedInOneSemantics(DatabaseKind kind)
    {
        var (service, _) = await LedgerAsync(kind, TimeProvider.System);
        const string export = "date,model,input_tokens,cache_read_input_tokens,cache_creation_input_tokens,output_tokens,cost_usd\n"
            + "2026-11-30,claude-sonnet-4-5-20250929,50,10000,2000,400,0.01665\n";

        var (report, _, _) = await service.RunAsync("claude", new DateOnly(2026, 11, 30), [export], "upload", default);

        Assert.Equal("match", report!.Verdict);
        Assert.Equal(12_050, Assert.Single(report.Models!).Upstream!.InputTokens);
    }

    [Fact]
    public async Task DailyJob_AfterRunAt_ReconcilesYesterdayFromTheFolderOnce()
    {
        var folder = Directory.CreateTempSubdirectory("switchyard-exports-").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "openai"));
        await File.WriteAllTextAsync(Path.Combine(folder, "openai", "usage-2026-11.csv"),
            "date,model,input_tokens,output_tokens,cost\n2026-11-29,gpt-4o,7,7,1\n2026-11-30,gpt-4o,1500,150,0.00425\n");
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 12, 1, 5, 59, 0, TimeSpan.Zero));
        var (service, store) = await LedgerAsync(DatabaseKind.Sqlite, time, new ReconciliationConfig { Folder = folder, RunAt = TimeSpan.FromHours(6) });
        var runtime = new GatewayRuntime(new GatewayConfig
        {
            Channels = [new ChannelConfig { Name = "openai", Type = "openai", BaseUrl = "http://127.0.0.1:9/v1" }],
            Reconciliation = new ReconciliationConfig { Folder = folder, RunAt = TimeSpan.FromHours(6) },
        }, time);
        var job = new ReconciliationJob(runtime, service, store, time, NullLogger<ReconciliationJob>.Instance);

        Assert.Empty(await job.RunDueAsync(default));        // 05:59: not yet
        time.Advance(TimeSpan.FromMinutes(1));
        var reports = await job.RunDueAsync(default);         // 06:00: yesterday, 2026-11-30
        time.Advance(TimeSpan.FromHours(3));
        var again = await job.RunDueAsync(default);

        var report = Assert.Single(reports);
        Assert.Equal(("openai", "2026-11-30", "match", "folder:usage-2026-11.csv"), (report.Channel, report.Day, report.Verdict, report.Source));
        Assert.Empty(again);
        // A restarted job (new instance) finds the stored report and does not repeat it.
        Assert.Empty(await new ReconciliationJob(runtime, service, store, time, NullLogger<ReconciliationJob>.Instance).RunDueAsync(default));
        Assert.Single(await store.ListAsync("openai", "2026-11-30", 10, default));
    }

    [Fact]
    public async Task AdminApi_PostListAndGet()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        using (await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""")))
        {
        }
        var record = Assert.Single(await gateway.LedgerAsync(1));
        var day = record.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd");
        var export = $"date,model,input_tokens,output_tokens,cost\n{day},gpt-4o,{record.Usage.Input},{record.Usage.Output},{record.CostUsd.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n";

        using var created = await gateway.Http.SendAsync(Admin(HttpMethod.Post, $"/admin/reconciliation?channel=mock&day={day}", export));
        using var badDay = await gateway.Http.SendAsync(Admin(HttpMethod.Post, "/admin/reconciliation?channel=mock&day=yesterday", export));
        using var noChannel = await gateway.Http.SendAsync(Admin(HttpMethod.Post, $"/admin/reconciliation?channel=nope&day={day}", export));
        using var badCsv = await gateway.Http.SendAsync(Admin(HttpMethod.Post, $"/admin/reconciliation?channel=mock&day={day}", "just,words\n"));
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var id = body.GetProperty("id").GetString();
        using var list = await gateway.Http.SendAsync(Admin(HttpMethod.Get, "/admin/reconciliation?channel=mock"));
        using var one = await gateway.Http.SendAsync(Admin(HttpMethod.Get, $"/admin/reconciliation/{id}"));
        using var missing = await gateway.Http.SendAsync(Admin(HttpMethod.Get, "/admin/reconciliation/rec_nope"));
        using var anonymous = await gateway.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/admin/reconciliation"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("match", body.GetProperty("verdict").GetString());
        Assert.Equal("0", body.GetProperty("models")[0].GetProperty("cost_usd_difference").GetString());
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.NotFound, HttpStatusCode.BadRequest), (badDay.StatusCode, noChannel.StatusCode, badCsv.StatusCode));
        var listed = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        Assert.Equal(id, Assert.Single(listed.EnumerateArray()).GetProperty("id").GetString());
        Assert.False(listed[0].TryGetProperty("models", out _));
        Assert.Equal(id, JsonDocument.Parse(await one.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString());
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.Unauthorized), (missing.StatusCode, anonymous.StatusCode));
    }

    private static HttpRequestMessage Admin(HttpMethod method, string path, string? csv = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", GatewayHarness.MasterKey);
        if (csv is not null)
        {
            request.Content = new StringContent(csv, Encoding.UTF8, "text/csv");
        }
        return request;
    }
}
