using Microsoft.AspNetCore.Http;
using Switchyard.Audit;

namespace Switchyard.Admin;

/// <summary>Audits an admin request as the principal that made it; the audit log itself knows nothing of HTTP or roles.</summary>
internal static class AdminAudit
{
    public static Task<AuditEntry> RecordAsync(this AuditLog log, HttpContext http, string action, string targetType, string? target,
        string? changes = null, string outcome = "success")
    {
        var principal = AdminPrincipal.Find(http);
        return log.RecordAsync(principal?.Name ?? "anonymous", principal?.RoleName, http.Connection.RemoteIpAddress?.ToString(),
            action, targetType, target, changes, outcome, http.RequestAborted);
    }
}
