using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Switchyard.Configuration;
using Switchyard.Storage;

namespace Switchyard.Tests.Billing;

/// <summary>
/// Closed-loop load on a gateway process for the durability tests: a third of the requests stream. Each request's
/// outcome is kept by its x-request-id: answered (200 and the whole body read, [DONE] included for streams), other
/// complete answers, and failures (no complete answer: the gateway died or the connection broke).
/// </summary>
internal sealed class LedgerLoad
{
    public const string Key = "sk-sy-ledger-durability-key-0000000001";

    private static readonly Stopwatch Clock = Stopwatch.StartNew();
    private int _failed;

    /// <summary>Request id → seconds since the load began when its answer completed.</summary>
    public ConcurrentDictionary<string, double> Answered { get; } = new(StringComparer.Ordinal);

    /// <summary>Requests answered with another status (they get a ledger record too).</summary>
    public ConcurrentDictionary<string, int> Refused { get; } = new(StringComparer.Ordinal);

    public int Failed => Volatile.Read(ref _failed);

    public double Now => Clock.Elapsed.TotalSeconds;

    public static string Config(string database, string journal, Uri mock, string durability) => $$"""
        storage: { database: "{{database}}", journal: "{{journal}}", durability: {{durability}} }
        channels:
          - { name: mock, type: openai, base_url: "{{new Uri(mock, "v1")}}", keys: [k], models: [gpt-4o] }
        models:
          - { name: gpt-4o, price: { input: 2.50, output: 10.00 } }
        groups: [{ name: team }]
        keys: [{ name: app, secret: {{Key}}, group: team }]
        health_checks: { interval: 0s }
        """;

    /// <summary>Sends until <paramref name="stop"/> fires, then lets the requests in flight finish (or fail).</summary>
    public Task RunAsync(HttpClient client, int workers, TimeSpan pause, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await SendAsync(client, stream: (i + w) % 3 == 0);
                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, CancellationToken.None);
                }
            }
        })));

    private async Task SendAsync(HttpClient client, bool stream)
    {
        var body = stream
            ? """{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"count the ledger"}]}"""
            : """{"model":"gpt-4o","messages":[{"role":"user","content":"count the ledger"}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", Key);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var text = await response.Content.ReadAsStringAsync();
            var id = response.Headers.GetValues("x-request-id").Single();
            if (response.StatusCode == System.Net.HttpStatusCode.OK && (!stream || text.Contains("data: [DONE]", StringComparison.Ordinal)))
            {
                Answered[id] = Now;
            }
            else
            {
                Refused[id] = (int)response.StatusCode;
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            Interlocked.Increment(ref _failed);
        }
    }

    public static async Task<(HashSet<string> Ids, long RollupRequests)> LedgerAsync(string database)
    {
        DatabaseLocation.TryParse(database, out var location, out _);
        await using var connection = await SqlDialect.For(location!).OpenAsync(CancellationToken.None);
        var ids = (await connection.QueryAsync<string>("SELECT request_id FROM usage_records")).ToList();
        var set = ids.ToHashSet(StringComparer.Ordinal);
        Assert.Equal(ids.Count, set.Count);
        var rollup = await connection.ExecuteScalarAsync<long?>("SELECT SUM(requests) FROM usage_daily") ?? 0;
        return (set, rollup);
    }

    /// <summary>Waits until the journal folder holds nothing left to replay and the ledger reaches <paramref name="expected"/> rows.</summary>
    public static async Task<(HashSet<string> Ids, long RollupRequests)> SettledLedgerAsync(string database, string journal, int expected, TimeSpan limit)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var ledger = await LedgerAsync(database);
            var spilled = Directory.Exists(journal) ? Directory.GetFiles(journal, "ledger-*.jsonl").Length : 0;
            if ((spilled == 0 && ledger.Ids.Count >= expected) || deadline.Elapsed > limit)
            {
                return ledger;
            }
            await Task.Delay(200);
        }
    }
}
