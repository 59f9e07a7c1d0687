using System.Globalization;
using Microsoft.AspNetCore.Http;
using Switchyard.Billing.Reconciliation;
using Switchyard.Routing;
using Switchyard.Storage;

namespace Switchyard.Admin;

/// <summary>
/// <c>POST /admin/reconciliation?channel=&amp;day=</c> with an upstream export as the body (CSV) compares it with the
/// ledger and stores the report; <c>GET /admin/reconciliation</c> lists reports, <c>GET /admin/reconciliation/{id}</c>
/// shows one.
/// </summary>
internal sealed class ReconciliationAdmin(ReconciliationService service, ReconciliationStore store, GatewayRuntime runtime)
{
    public async Task<IResult> CreateAsync(HttpContext http)
    {
        var query = http.Request.Query;
        var channel = query["channel"].ToString();
        if (channel.Length == 0)
        {
            return AdminEndpoints.Error(400, "'channel' is required: the channel whose upstream the export comes from.", "channel");
        }
        if (!DateOnly.TryParseExact(query["day"].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) || !AdminTime.TryDay(day))
        {
            return AdminEndpoints.Error(400, $"'day' is required as a UTC date (2026-11-30), {AdminTime.RangeText}.", "day");
        }
        var (body, tooLarge) = await ReadBodyAsync(http.Request, runtime.Config.Server.MaxBodyBytes, http.RequestAborted);
        if (tooLarge)
        {
            return AdminEndpoints.Error(413, $"The export is larger than server.max_body_bytes ({runtime.Config.Server.MaxBodyBytes} bytes).", "body");
        }
        var (report, error, param) = await service.RunAsync(channel, day, [body], "upload", http.RequestAborted);
        if (report is null)
        {
            return AdminEndpoints.Error(param == "channel" ? 404 : 400, error!, param);
        }
        return Results.Json(report, ReconciliationJson.Default.ReconciliationReport, statusCode: 201);
    }

    public async Task<IResult> ListAsync(HttpContext http)
    {
        var query = http.Request.Query;
        var channel = query["channel"].ToString();
        var day = query["day"].ToString();
        if (day.Length > 0 && (!DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) || !AdminTime.TryDay(date)))
        {
            return AdminEndpoints.Error(400, $"'day' must be a UTC date (2026-11-30), {AdminTime.RangeText}.", "day");
        }
        var limit = int.TryParse(query["limit"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, 1000) : 100;
        var reports = await store.ListAsync(channel.Length == 0 ? null : channel, day.Length == 0 ? null : day, limit, http.RequestAborted);
        return Results.Json(new ReconciliationList(reports), ReconciliationJson.Default.ReconciliationList);
    }

    public async Task<IResult> GetAsync(string id, HttpContext http) =>
        await store.FindAsync(id, http.RequestAborted) is { } report
            ? Results.Json(report, ReconciliationJson.Default.ReconciliationReport)
            : AdminEndpoints.Error(404, $"No reconciliation report has the id '{id}'.", "id");

    private static async Task<(string Body, bool TooLarge)> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return ("", true);
            }
            buffer.Write(chunk, 0, read);
        }
        return (System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), false);
    }
}
