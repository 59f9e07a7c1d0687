using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.Billing;

/// <summary>
/// The local append-only spill for usage records the database could not take. Each failed batch becomes one
/// fsynced JSON-lines file; files are replayed (idempotently, by request id) once the database answers again.
/// </summary>
public sealed class LedgerJournal
{
    private const string Extension = ".jsonl";

    public LedgerJournal(string directory)
    {
        Directory = Path.GetFullPath(directory);
    }

    public string Directory { get; }

    public async Task AppendAsync(IReadOnlyList<UsageRecord> batch, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var name = Path.GetFileNameWithoutExtension(FileName("spill"));
        var temporary = Path.Combine(Directory, name + ".tmp");
        await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
        {
            foreach (var record in batch)
            {
                await JsonSerializer.SerializeAsync(file, record, LedgerJournalJson.Default.UsageRecord, cancellationToken);
                file.WriteByte((byte)'\n');
            }
            await file.FlushAsync(cancellationToken);
            // Durable before it counts as written: a crash after this point cannot lose the batch.
            file.Flush(flushToDisk: true);
        }
        // The rename makes a file visible to replay only once it is complete.
        File.Move(temporary, Path.Combine(Directory, name + Extension));
    }

    /// <summary>A fresh journal file name; the time first, so replay takes files in the order they were written.</summary>
    public static string FileName(string kind) => $"ledger-{DateTime.UtcNow:yyyyMMddHHmmssfff}-{kind}-{Guid.NewGuid():N}{Extension}";

    public IReadOnlyList<string> PendingFiles() =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetFiles(Directory, "ledger-*" + Extension).Order(StringComparer.Ordinal).ToList()
            : [];

    public static async Task<IReadOnlyList<UsageRecord>> ReadAsync(string file, CancellationToken cancellationToken)
    {
        var records = new List<UsageRecord>();
        foreach (var line in await File.ReadAllLinesAsync(file, cancellationToken))
        {
            if (line.Length == 0)
            {
                continue;
            }
            try
            {
                if (JsonSerializer.Deserialize(line, LedgerJournalJson.Default.UsageRecord) is { } record)
                {
                    records.Add(record);
                }
            }
            catch (JsonException)
            {
                // A write-ahead segment cut by a crash ends in a partial line: that record's answer never completed.
            }
        }
        return records;
    }

    public static void Complete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (FileNotFoundException)
        {
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(UsageRecord))]
internal sealed partial class LedgerJournalJson : JsonSerializerContext;
