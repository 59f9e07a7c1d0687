using System.Globalization;
using Microsoft.AspNetCore.Http;
using Switchyard.Billing;
using Switchyard.Storage;

namespace Switchyard.Admin;

/// <summary>
/// <c>GET /admin/requests</c>: the request log, newest first. Filters <c>key</c>, <c>user</c>, <c>group</c>, <c>model</c>,
/// <c>channel</c>, <c>status</c>, <c>from</c>, <c>to</c>; pages with <c>limit</c> and <c>cursor</c>. Group admins see their
/// group's rows, users their own.
/// </summary>
internal sealed class RequestsAdmin(RequestLogStore store, LedgerWriter ledger, RequestBodyStore bodies, LedgerStore records)
{
    /// <summary>
    /// <c>GET /admin/requests/{id}</c>: one request's whole record, to whoever the request log shows it (super admins
    /// any, group admins their group's, users their own); any other id answers as a missing one.
    /// </summary>
    public async Task<IResult> GetAsync(HttpContext http, string id)
    {
        await FlushAsync(http.RequestAborted);
        var principal = AdminPrincipal.Of(http);
        var (group, user) = AdminAccess.UsageScope(principal);
        var r = await records.FindAsync(id, http.RequestAborted);
        if (r is null || (group is not null && r.Group != group) || (user is not null && r.User != user))
        {
            return AdminErrors.Result(404, $"No request '{id}' in the request log.", "id", "request_not_found");
        }
        // Bodies follow their own endpoint's rule: group admins and up.
        var hasBodies = principal.Role >= AdminRole.GroupAdmin && await bodies.ExistsAsync(r.RequestId, http.RequestAborted);
        var attempts = (r.Attempts ?? []).Select(a => new RequestAttemptView(a.Channel, a.KeyId, a.KeyHint, a.Model, a.Status, a.LatencyMs, a.ErrorKind, a.Error)).ToList();
        return Results.Json(new RequestDetailView(r.RequestId, r.CreatedAt, r.Endpoint, r.KeyName, r.User, r.Group, r.RequestedModel, r.ServedModel,
            r.FallbackFrom, r.Channel, r.Status, r.Refused, r.ErrorKind, r.Error, r.Usage.Input, r.Usage.Output, r.Usage.Cached, r.Usage.CacheWrite,
            r.Usage.Reasoning, UsageAdmin.FormatUsd(r.CostUsd), r.PriceVersion, r.UsageEstimated, r.EstimatedUsage.Input, r.EstimatedUsage.Output,
            UsageAdmin.FormatUsd(r.EstimatedCostUsd), r.LatencyMs, r.TtfbMs, r.Stream, r.Note, r.Route, r.Arm,
            Math.Max(r.AttemptCount, attempts.Count), attempts, hasBodies), TenancyJsonContext.Default.RequestDetailView);
    }

    /// <summary>
    /// <c>GET /admin/requests/{id}/bodies</c>: the stored (redacted) prompt and completion of one request of a group that
    /// stores bodies; super admins see any, group admins their own group's.
    /// </summary>
    public async Task<IResult> BodiesAsync(HttpContext http, string id)
    {
        await FlushAsync(http.RequestAborted);
        var stored = await bodies.FindAsync(id, http.RequestAborted);
        var principal = AdminPrincipal.Of(http);
        // Another group's request answers exactly as a missing one: a group admin cannot learn which ids exist.
        if (stored is null || (!AdminAccess.IsSuper(principal) && (stored.group_name is not { } group || !AdminAccess.CanSeeGroup(principal, group))))
        {
            return AdminErrors.Result(404, $"No stored bodies for request '{id}' (only groups with store_bodies keep them).", "id", "bodies_not_found");
        }
        return Results.Json(new RequestBodiesView(stored.request_id, DateTimeOffset.FromUnixTimeMilliseconds(stored.created_at), stored.group_name,
            stored.prompt ?? "", stored.completion ?? "", stored.prompt_truncated, stored.completion_truncated), TenancyJsonContext.Default.RequestBodiesView);
    }

    public async Task<IResult> ListAsync(HttpContext http)
    {
        var query = http.Request.Query;
        var limit = 100;
        if (query["limit"].ToString() is { Length: > 0 } limitText && (!int.TryParse(limitText, out limit) || limit is < 1 or > 1000))
        {
            return AdminErrors.Result(400, "'limit' must be a number from 1 to 1000.", "limit");
        }
        (long, string)? before = null;
        if (query["cursor"].ToString() is { Length: > 0 } cursor)
        {
            var underscore = cursor.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !long.TryParse(cursor.AsSpan(0, underscore), out var at))
            {
                return AdminErrors.Result(400, "'cursor' must be the next_cursor of a previous page.", "cursor");
            }
            before = (at, cursor[(underscore + 1)..]);
        }
        int? status = null;
        if (query["status"].ToString() is { Length: > 0 } statusText)
        {
            if (!int.TryParse(statusText, out var parsed))
            {
                return AdminErrors.Result(400, "'status' must be an HTTP status code.", "status");
            }
            status = parsed;
        }
        if (!AdminTime.TryParse(query["from"].ToString(), dates: false, endOfDay: false, out var from)
            || !AdminTime.TryParse(query["to"].ToString(), dates: false, endOfDay: false, out var to))
        {
            return AdminErrors.Result(400, $"'from' and 'to' must be timestamps such as 2026-11-01T08:00:00Z, {AdminTime.RangeText}.", "from");
        }
        string? Text(string name) => query[name].ToString() is { Length: > 0 } v ? v : null;
        if (!AdminAccess.TryScopeUsage(AdminPrincipal.Of(http), Text("group"), Text("user"), out var group, out var user))
        {
            return AdminErrors.Forbidden("You may see only your own group's or your own requests.");
        }
        await FlushAsync(http.RequestAborted);
        var rows = await store.QueryAsync(new RequestLogQuery(Text("key"), user, group, Text("model"), Text("channel"), status,
            from, to, before, limit), http.RequestAborted);
        var views = rows.Select(r => new RequestLogView(r.request_id, DateTimeOffset.FromUnixTimeMilliseconds(r.created_at), r.endpoint, r.key_name, r.user_name,
            r.group_name, r.requested_model, r.served_model, r.channel, (int)r.status, r.input_tokens, r.output_tokens, r.cached_tokens,
            r.cache_write_tokens, r.reasoning_tokens, UsageAdmin.FormatUsd(LedgerStore.FromPico(r.cost_picousd)), r.latency_ms, r.ttfb_ms,
            r.stream, r.error_kind, r.note, r.route, r.arm, r.refused)).ToList();
        var next = rows.Count == limit ? $"{rows[^1].created_at.ToString(CultureInfo.InvariantCulture)}_{rows[^1].request_id}" : null;
        return Results.Json(new Page<RequestLogView>(views, next), TenancyJsonContext.Default.PageRequestLogView);
    }

    /// <summary>The log shows what this instance has accepted so far, not only what the batch writer reached.</summary>
    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await ledger.FlushAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }
}
