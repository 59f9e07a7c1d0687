using System.Globalization;

namespace Switchyard.Billing.Reconciliation;

/// <summary>One model's usage on one day as the upstream's export states it, in our (OpenAI) token semantics.</summary>
internal sealed record UpstreamUsage(string Model, long? Requests, long InputTokens, long CachedTokens, long CacheWriteTokens, long OutputTokens, decimal? CostUsd);

/// <summary>
/// Reads an upstream usage or cost export (CSV, header row first) into per-model sums for one UTC day. Columns are
/// found by name, so the same reader takes the simple <c>date,model,input_tokens,output_tokens,cost</c> format,
/// OpenAI's usage export (<c>start_time</c>, <c>model</c>, <c>input_tokens</c> including <c>input_cached_tokens</c>,
/// <c>output_tokens</c>, <c>num_model_requests</c>) and Anthropic's (<c>usage_date</c>/<c>date</c>, <c>model</c>,
/// <c>uncached_input_tokens</c> or <c>input_tokens</c> excluding cache, <c>cache_read_input_tokens</c>,
/// <c>cache_creation_input_tokens</c> or the 5m/1h write columns, <c>output_tokens</c>, <c>cost_usd</c>).
/// </summary>
internal static class UpstreamExport
{
    // starting_at: the bucket start of Anthropic's Admin API usage report (/v1/organizations/usage_report/messages),
    // an RFC 3339 timestamp, when its JSON is flattened to CSV one row per result.
    private static readonly string[] DayColumns = ["date", "day", "usage_date", "start_time", "start_time_iso", "bucket_start_time", "timestamp", "starting_at"];
    private static readonly string[] ModelColumns = ["model", "model_name", "model_version"];
    private static readonly string[] RequestColumns = ["requests", "num_model_requests", "n_requests"];
    private static readonly string[] InputColumns = ["input_tokens", "prompt_tokens", "n_context_tokens_total"];
    private static readonly string[] UncachedInputColumns = ["uncached_input_tokens"];
    private static readonly string[] CachedColumns = ["input_cached_tokens", "cached_tokens", "cache_read_input_tokens", "cache_read_tokens"];
    private static readonly string[] CacheWriteColumns = ["cache_creation_input_tokens", "cache_write_tokens", "cache_write_5m_tokens", "cache_write_1h_tokens",
        "cache_creation.ephemeral_5m_input_tokens", "cache_creation.ephemeral_1h_input_tokens"];
    private static readonly string[] OutputColumns = ["output_tokens", "completion_tokens", "n_generated_tokens_total"];
    private static readonly string[] CostColumns = ["cost", "cost_usd", "amount_usd"];

    /// <param name="inputExcludesCache">
    /// True for Anthropic exports, whose <c>input_tokens</c> (like its API's) leaves out cache reads and writes.
    /// An <c>uncached_input_tokens</c> column means the same whatever this says.
    /// </param>
    /// <returns>Per-model sums for <paramref name="day"/>, or an error naming the line and column at fault.</returns>
    public static (IReadOnlyList<UpstreamUsage>? Rows, string? Error) Read(string csv, DateOnly day, bool inputExcludesCache)
    {
        var lines = CsvLines.Parse(csv);
        if (lines.Count == 0)
        {
            return (null, "the export is empty: a header row is needed (e.g. date,model,input_tokens,output_tokens,cost)");
        }
        var header = lines[0].Select(h => h.Trim().ToLowerInvariant()).ToArray();
        int Find(string[] names) => Array.FindIndex(header, h => names.Contains(h));
        int[] FindAll(string[] names) => Enumerable.Range(0, header.Length).Where(i => names.Contains(header[i])).ToArray();
        var dayAt = Find(DayColumns);
        var modelAt = Find(ModelColumns);
        var uncachedAt = Find(UncachedInputColumns);
        var inputAt = uncachedAt >= 0 ? uncachedAt : Find(InputColumns);
        var outputAt = Find(OutputColumns);
        if (dayAt < 0 || modelAt < 0 || inputAt < 0 || outputAt < 0)
        {
            return (null, "the header must name a date (date, usage_date or start_time), a model, input tokens and output tokens; got: " + string.Join(',', header));
        }
        var excludesCache = inputExcludesCache || uncachedAt >= 0;
        var requestsAt = Find(RequestColumns);
        var cachedAt = FindAll(CachedColumns);
        var writeAt = FindAll(CacheWriteColumns);
        var costAt = Find(CostColumns);
        var sums = new Dictionary<string, (long? Requests, long Input, long Cached, long Write, long Output, decimal? Cost)>(StringComparer.Ordinal);
        for (var n = 1; n < lines.Count; n++)
        {
            var cells = lines[n];
            if (cells.Length == 1 && cells[0].Trim().Length == 0)
            {
                continue;
            }
            string Cell(int i) => i < cells.Length ? cells[i].Trim() : "";
            if (!TryDay(Cell(dayAt), out var rowDay))
            {
                return (null, $"line {n + 1}: '{Cell(dayAt)}' in column {header[dayAt]} is not a date");
            }
            if (rowDay != day)
            {
                continue;
            }
            var model = Cell(modelAt);
            long Tokens(int i, ref string? error)
            {
                var text = Cell(i);
                if (text.Length == 0)
                {
                    return 0;
                }
                if (long.TryParse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value) && value >= 0)
                {
                    return value;
                }
                error ??= $"line {n + 1}: '{text}' in column {header[i]} is not a token count";
                return 0;
            }
            string? problem = null;
            var input = Tokens(inputAt, ref problem);
            var cached = cachedAt.Sum(i => { string? e = null; var v = Tokens(i, ref e); problem ??= e; return v; });
            var write = writeAt.Sum(i => { string? e = null; var v = Tokens(i, ref e); problem ??= e; return v; });
            var output = Tokens(outputAt, ref problem);
            long? requests = requestsAt >= 0 ? Tokens(requestsAt, ref problem) : null;
            decimal? cost = null;
            if (costAt >= 0 && Cell(costAt).TrimStart('$') is { Length: > 0 } costText)
            {
                if (!decimal.TryParse(costText, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
                {
                    problem ??= $"line {n + 1}: '{costText}' in column {header[costAt]} is not a USD amount";
                }
                cost = parsed;
            }
            if (problem is not null)
            {
                return (null, problem);
            }
            if (excludesCache)
            {
                input += cached + write;
            }
            var sum = sums.GetValueOrDefault(model);
            sums[model] = (requests is null ? sum.Requests : (sum.Requests ?? 0) + requests, sum.Input + input, sum.Cached + cached,
                sum.Write + write, sum.Output + output, cost is null ? sum.Cost : (sum.Cost ?? 0) + cost);
        }
        return (sums.Select(s => new UpstreamUsage(s.Key, s.Value.Requests, s.Value.Input, s.Value.Cached, s.Value.Write, s.Value.Output, s.Value.Cost))
            .OrderBy(r => r.Model, StringComparer.Ordinal).ToList(), null);
    }

    /// <summary><c>2026-11-30</c>, an ISO timestamp, or unix seconds (OpenAI's bucket <c>start_time</c>); days are UTC.</summary>
    private static bool TryDay(string text, out DateOnly day)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
        {
            return true;
        }
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            day = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime);
            return true;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            day = DateOnly.FromDateTime(at.UtcDateTime);
            return true;
        }
        return false;
    }
}
