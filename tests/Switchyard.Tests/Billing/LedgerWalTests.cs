using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Billing;
using Switchyard.Contracts;

namespace Switchyard.Tests.Billing;

public sealed class LedgerWalTests
{
    private static UsageRecord Record(int i) => new()
    {
        RequestId = $"req_wal_{i:D4}",
        CreatedAt = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero).AddSeconds(i),
        Endpoint = "chat.completions",
        Status = 200,
        Usage = new TokenUsage(10, i, 0, 0, 0),
        CostUsd = 0.000001m * i,
        LatencyMs = 5,
    };

    /// <summary>The live segment holds an exclusive lock this process would honour: read it through another process.</summary>
    private static async Task<string> ReadLockedAsync(string file)
    {
        using var cat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("cat", [file]) { RedirectStandardOutput = true })!;
        var text = await cat.StandardOutput.ReadToEndAsync();
        await cat.WaitForExitAsync();
        return text;
    }

    private static string[] Segments(string folder) => Directory.GetFiles(folder, "wal-*.jsonl");

    [Fact]
    public async Task Append_IsOnDiskWhenItCompletes_AndTheSegmentGoesOnceEveryRecordSettled()
    {
        var folder = Directory.CreateTempSubdirectory("switchyard-wal-").FullName;
        using var wal = new LedgerWal(folder, NullLogger<LedgerWal>.Instance);

        var segments = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => wal.AppendAsync(Record(i)).AsTask()));

        var file = Assert.Single(Segments(folder));
        var lines = (await ReadLockedAsync(file)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(200, lines.Length);
        Assert.All(segments, s => Assert.Equal(file, s!.Path));
        foreach (var segment in segments.Skip(1))
        {
            segment!.Release();
        }
        await Task.Delay(LedgerWalTestTiming.PastSegmentAge);
        wal.RotateIfDue();
        // One record is still on its way to the database: the file must stay.
        Assert.Single(Segments(folder));
        segments[0]!.Release();
        Assert.Empty(Segments(folder));
    }

    [Fact]
    public async Task LeftoverSegment_BecomesJournalForReplay_AndItsTornLastLineIsSkipped()
    {
        var folder = Directory.CreateTempSubdirectory("switchyard-wal-").FullName;
        var crashed = new LedgerWal(folder, NullLogger<LedgerWal>.Instance);
        await crashed.AppendAsync(Record(1));
        await crashed.AppendAsync(Record(2));
        // Neither record reached the database; closing keeps the file (and drops its lock, as a kill would).
        crashed.Dispose();
        var segment = Assert.Single(Segments(folder));
        // The crash cut a third record's line half way.
        await File.AppendAllTextAsync(segment, """{"request_id":"req_wal_0003","created_at":"2026-12""");

        using var restarted = new LedgerWal(folder, NullLogger<LedgerWal>.Instance);

        Assert.Empty(Segments(folder));
        var journaled = new LedgerJournal(folder).PendingFiles();
        var records = await LedgerJournal.ReadAsync(Assert.Single(journaled), default);
        Assert.Equal(["req_wal_0001", "req_wal_0002"], records.Select(r => r.RequestId));
        Assert.Equal(0.000002m, records[1].CostUsd);
    }
}

internal static class LedgerWalTestTiming
{
    /// <summary>A segment closes once older than two seconds (LedgerWal.SegmentAge).</summary>
    public static readonly TimeSpan PastSegmentAge = TimeSpan.FromSeconds(2.1);
}
