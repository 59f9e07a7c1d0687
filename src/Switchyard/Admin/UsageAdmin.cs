using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Switchyard.Billing;
using Switchyard.Storage;

namespace Switchyard.Admin;

/// <summary>
/// <c>GET /admin/usage?from=&amp;to=&amp;group_by=&amp;format=csv</c>: ledger sums by one dimension, optionally narrowed to
/// one key, user, group, model or channel. Group admins see only their group's usage, users only their own.
/// </summary>
internal sealed class UsageAdmin(UsageReport report, ArmReport arms, LedgerWriter ledger)
{
    public async Task<IResult> GetAsync(HttpContext http)
    {
        var query = http.Request.Query;
        var groupByText = query["group_by"].ToString();
        if (groupByText.Length == 0)
        {
            groupByText = "model";
        }
        var byArm = groupByText == "arm";
        var grouping = UsageGrouping.Model;
        if (!byArm && (!Enum.TryParse(groupByText, ignoreCase: true, out grouping) || groupByText.Any(char.IsUpper) || int.TryParse(groupByText, out _)))
        {
            return AdminEndpoints.Error(400, $"'group_by' must be one of key, user, group, model, channel, day, month, arm; got '{groupByText}'.", "group_by");
        }
        if (!AdminTime.TryParse(query["from"].ToString(), dates: true, endOfDay: false, out var from)
            || !AdminTime.TryParse(query["to"].ToString(), dates: true, endOfDay: true, out var to))
        {
            return AdminEndpoints.Error(400, $"'from' and 'to' must be dates (2026-11-01) or timestamps (2026-11-01T08:00:00Z), {AdminTime.RangeText}.", "from");
        }
        string? Text(string name) => query[name].ToString() is { Length: > 0 } v ? v : null;
        if (!AdminAccess.TryScopeUsage(AdminPrincipal.Of(http), Text("group"), Text("user"), out var group, out var user))
        {
            return AdminErrors.Forbidden("You may see only your own group's or your own usage.");
        }
        var filter = new UsageFilter(Text("key"), user, group, Text("model"), Text("channel"));
        // Reports count what this instance has accepted so far, not only what the batch writer reached.
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted))
        {
            wait.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                await ledger.FlushAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
            {
            }
        }
        if (byArm)
        {
            var armRows = await arms.QueryAsync(from, to, group, user, http.RequestAborted);
            return Results.Json(new ArmUsageView(groupByText, from, to, [.. armRows.Select(r => new ArmRowView(r.Arm is null ? r.Route : $"{r.Route}/{r.Arm}",
                r.Route, r.Arm, r.Requests, r.Errors, r.InputTokens, r.OutputTokens, FormatUsd(r.CostUsd), r.LatencyP50Ms, r.LatencyP95Ms, r.TtftP50Ms, r.TtftP95Ms))]),
                AdminJsonContext.Default.ArmUsageView);
        }
        var rows = await report.QueryAsync(grouping, from, to, filter, http.RequestAborted);
        var views = rows.Select(r => new UsageRowView(r.Key, r.Requests, r.InputTokens, r.OutputTokens, r.CachedTokens,
            r.CacheWriteTokens, r.ReasoningTokens, FormatUsd(r.CostUsd), r.EstimatedRequests, r.EstimatedInputTokens,
            r.EstimatedOutputTokens, FormatUsd(r.EstimatedCostUsd))).ToList();
        if (query["format"].ToString() == "csv")
        {
            return Results.Text(ToCsv(views), "text/csv; charset=utf-8");
        }
        return Results.Json(new UsageView(groupByText, from, to, views), AdminJsonContext.Default.UsageView);
    }

    public static string FormatUsd(decimal usd) => usd.ToString("0.############", CultureInfo.InvariantCulture);

    private static string ToCsv(IReadOnlyList<UsageRowView> rows)
    {
        var csv = new StringBuilder("key,requests,input_tokens,output_tokens,cached_tokens,cache_write_tokens,reasoning_tokens,cost_usd,"
            + "estimated_requests,estimated_input_tokens,estimated_output_tokens,estimated_cost_usd\n");
        foreach (var r in rows)
        {
            csv.Append(Escape(r.Key)).Append(',').Append(r.Requests).Append(',').Append(r.InputTokens).Append(',')
                .Append(r.OutputTokens).Append(',').Append(r.CachedTokens).Append(',').Append(r.CacheWriteTokens).Append(',')
                .Append(r.ReasoningTokens).Append(',').Append(r.CostUsd).Append(',').Append(r.EstimatedRequests).Append(',')
                .Append(r.EstimatedInputTokens).Append(',').Append(r.EstimatedOutputTokens).Append(',').Append(r.EstimatedCostUsd).Append('\n');
        }
        return csv.ToString();
    }

    /// <summary>
    /// One CSV cell. A text that starts with a character spreadsheets read as a formula (<c>= + - @</c>, tab, CR) gets a
    /// leading apostrophe, so a key or model name chosen by a client is shown as text and never run (OWASP "CSV injection").
    /// </summary>
    private static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
