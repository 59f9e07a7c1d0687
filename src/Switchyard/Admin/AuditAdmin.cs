using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchyard.Audit;
using Switchyard.Storage;

namespace Switchyard.Admin;

/// <summary>
/// <c>/admin/audit</c> (super admins): the log newest first with filters, a verification of the hash chain, and an
/// export of the whole chain as JSON lines that can be verified offline. Nothing here (or anywhere) deletes entries.
/// </summary>
internal sealed class AuditAdmin(AuditStore store, AuditLog audit)
{
    public async Task<IResult> ListAsync(HttpContext http)
    {
        var (limit, cursor, error) = AdminBody.Paging(http);
        if (error is not null)
        {
            return error;
        }
        var query = http.Request.Query;
        if (!AdminTime.TryParse(query["from"].ToString(), dates: false, endOfDay: false, out var from)
            || !AdminTime.TryParse(query["to"].ToString(), dates: false, endOfDay: false, out var to))
        {
            return AdminErrors.Result(400, $"'from' and 'to' must be timestamps such as 2026-11-01T08:00:00Z, {AdminTime.RangeText}.", "from");
        }
        string? Text(string name) => query[name].ToString() is { Length: > 0 } v ? v : null;
        var entries = await store.QueryAsync(new AuditQuery(from, to, Text("actor"), Text("action"), Text("target_type"), Text("target"), cursor, limit),
            http.RequestAborted);
        var next = entries.Count == limit && entries[^1].Seq > 1 ? entries[^1].Seq.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return Results.Json(new Page<AuditEntry>(entries, next), TenancyJsonContext.Default.PageAuditEntry);
    }

    public async Task<IResult> VerifyAsync(HttpContext http) =>
        Results.Json(await audit.VerifyAsync(http.RequestAborted), TenancyJsonContext.Default.AuditVerification);

    /// <summary>Every entry, oldest first, one JSON object a line, streamed.</summary>
    public async Task ExportAsync(HttpContext http)
    {
        http.Response.ContentType = "application/x-ndjson";
        http.Response.Headers.ContentDisposition = "attachment; filename=\"switchyard-audit.jsonl\"";
        await foreach (var entry in store.ReadAllAsync(http.RequestAborted))
        {
            var line = JsonSerializer.SerializeToUtf8Bytes(entry, TenancyJsonContext.Default.AuditEntry);
            await http.Response.Body.WriteAsync(line, http.RequestAborted);
            await http.Response.Body.WriteAsync("\n"u8.ToArray(), http.RequestAborted);
        }
    }
}
