using System.Globalization;
using Microsoft.AspNetCore.Http;
using Switchyard.Storage;
using Switchyard.Telemetry.Alerts;

namespace Switchyard.Admin;

/// <summary><c>GET /admin/alerts</c>: the alert deliveries, newest first. Webhooks appear by name; their URLs never.</summary>
internal sealed class AlertsAdmin(AlertStore store)
{
    public async Task<IResult> ListAsync(HttpContext http)
    {
        var query = http.Request.Query;
        static string? Filter(string value) => value.Length == 0 ? null : value;
        var limit = int.TryParse(query["limit"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, 1000) : 100;
        var rows = await store.ListAsync(Filter(query["event"].ToString()), Filter(query["status"].ToString()), Filter(query["webhook"].ToString()), limit,
            http.RequestAborted);
        return Results.Json(new AlertDeliveryList(rows), AlertJson.Default.AlertDeliveryList);
    }
}
