using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static Switchyard.Admin.AdminRole;

namespace Switchyard.Admin;

/// <summary>The admin API's route table: every endpoint, its role floor (see <see cref="AdminAccess"/>) and its documentation.</summary>
internal static class AdminRoutes
{
    private static readonly (string, string)[] PlaygroundGroup = [("group", "The group to play in: your own unless you are a super admin.")];

    private static readonly (string, string)[] Paging = [("limit", "Page size, 1 to 1000 (default 100)."), ("cursor", "The next_cursor of the previous page.")];

    public static IReadOnlyList<AdminRoute> Build(IServiceProvider services)
    {
        T Make<T>() => ActivatorUtilities.CreateInstance<T>(services);
        var users = Make<UsersAdmin>();
        var groups = Make<GroupsAdmin>();
        var keys = Make<KeysAdmin>();
        var channels = Make<ChannelsAdmin>();
        var channelTests = Make<ChannelTests>();
        var members = Make<GroupMemberViews>();
        var models = Make<ModelsAdmin>();
        var usage = Make<UsageAdmin>();
        var requests = Make<RequestsAdmin>();
        var audit = Make<AuditAdmin>();
        var reconciliation = Make<ReconciliationAdmin>();
        var alerts = Make<AlertsAdmin>();
        var prices = Make<PricesAdmin>();
        var resets = Make<PasswordResetAdmin>();
        var routes = Make<RoutesAdmin>();
        var playground = Make<PlaygroundAdmin>();
        var json = TenancyJsonContext.Default;

        return
        [
            new("GET", "/users", User, "users", "List the users you may see (super admin: all; group admin: its group; user: itself).",
                (Func<HttpContext, Task<IResult>>)users.ListAsync) { Response = json.PageUserView, Query = [("group", "Only this group's users."), ("role", "Only this role."), .. Paging] },
            new("POST", "/users", GroupAdmin, "users", "Create a user (group admins: only plain users of their own group).",
                (Func<HttpContext, Task<IResult>>)users.CreateAsync) { RequestBody = json.UserRequest, Response = json.UserView, SuccessStatus = 201 },
            new("GET", "/users/{name}", User, "users", "One user, with each of its limits' use and remaining quota.",
                (Func<HttpContext, string, Task<IResult>>)users.GetAsync) { Response = json.UserView },
            new("PATCH", "/users/{name}", User, "users", "Change a user's group, role, limits or password, or unlock it (group admins: plain users of their group; users: only their own password).",
                (Func<HttpContext, string, Task<IResult>>)users.PatchAsync) { RequestBody = json.UserRequest, Response = json.UserView },
            new("DELETE", "/users/{name}", GroupAdmin, "users", "Delete a user made through the API (it must have no active keys).",
                (Func<HttpContext, string, Task<IResult>>)users.DeleteAsync) { SuccessStatus = 204 },
            new("POST", "/users/{name}/reset-link", GroupAdmin, "users",
                "A one-time password reset link for the user, in this answer only; it ends the user's earlier link (group admins: plain users of their group).",
                (Func<HttpContext, string, Task<IResult>>)resets.IssueAsync) { Response = PasswordResetJsonContext.Default.ResetLinkView, SuccessStatus = 201 },

            new("GET", "/groups", GroupAdmin, "groups", "List groups (group admins: their own).",
                (Func<HttpContext, Task<IResult>>)groups.ListAsync) { Response = json.PageGroupView, Query = Paging },
            new("POST", "/groups", SuperAdmin, "groups", "Create a group.",
                (Func<HttpContext, Task<IResult>>)groups.CreateAsync) { RequestBody = json.GroupRequest, Response = json.GroupView, SuccessStatus = 201 },
            new("GET", "/groups/{name}", GroupAdmin, "groups", "One group, with each of its limits' use and remaining quota.",
                (Func<HttpContext, string, Task<IResult>>)groups.GetAsync) { Response = json.GroupView },
            new("PATCH", "/groups/{name}", GroupAdmin, "groups", "Change a group's allowed models, limits, time zone or store_bodies (group admins: their own, only tightening under the super admin's ceiling).",
                (Func<HttpContext, string, Task<IResult>>)groups.PatchAsync) { RequestBody = json.GroupRequest, Response = json.GroupView },
            new("GET", "/groups/{name}/quota", User, "groups", "A group's limits with used and remaining in their current windows (members of the group too).",
                (Func<HttpContext, string, Task<IResult>>)members.QuotaAsync) { Response = AdminJsonContext.Default.GroupQuotaView },
            new("GET", "/groups/{name}/models", User, "groups",
                "The models a group's members may use, each with the price the group is charged (USD per million tokens, its price_multiplier applied; members of the group too).",
                (Func<HttpContext, string, IResult>)members.Models) { Response = AdminJsonContext.Default.GroupModelsView },
            new("DELETE", "/groups/{name}", SuperAdmin, "groups", "Delete a group made through the API (it must have no users or active keys).",
                (Func<HttpContext, string, Task<IResult>>)groups.DeleteAsync) { SuccessStatus = 204 },

            new("GET", "/keys", User, "keys", "List the virtual keys you may see, without secrets.",
                (Func<HttpContext, Task<IResult>>)keys.ListAsync) { Response = json.PageKeyView, Query = [("group", "Only this group's keys."), ("user", "Only this user's keys."), ("revoked", "true or false."), .. Paging] },
            new("POST", "/keys", User, "keys", "Create a virtual key; the secret is in this answer only (users: keys of their own).",
                (Func<HttpContext, Task<IResult>>)keys.CreateAsync) { RequestBody = AdminJsonContext.Default.CreateKeyRequest, Response = json.KeyView, SuccessStatus = 201 },
            new("GET", "/keys/{id}", User, "keys", "One key, with each of its limits' use and remaining quota.",
                (Func<HttpContext, string, Task<IResult>>)keys.GetAsync) { Response = json.KeyView },
            new("PATCH", "/keys/{id}", User, "keys", "Change a key's name, models, expiry, limits or allowed IPs (keys made through the API; the same reach as revoking).",
                (Func<HttpContext, string, Task<IResult>>)keys.UpdateAsync) { RequestBody = AdminJsonContext.Default.UpdateKeyRequest, Response = json.KeyView },
            new("DELETE", "/keys/{id}", User, "keys", "Revoke a key; every instance refuses it within a second.",
                (Func<HttpContext, string, Task<IResult>>)keys.RevokeAsync) { Response = json.KeyView },

            new("GET", "/channels", SuperAdmin, "channels", "List channels with each key's state, errors and latency (key hints only).",
                (Func<HttpContext, IResult>)channels.List) { Response = json.PageChannelView, Query = Paging },
            new("POST", "/channels", SuperAdmin, "channels", "Create a channel; its keys are stored encrypted and it serves on every instance within a second.",
                (Func<HttpContext, Task<IResult>>)channels.CreateAsync) { RequestBody = json.ChannelRequest, Response = json.ChannelView, SuccessStatus = 201 },
            new("GET", "/channels/{name}", SuperAdmin, "channels", "One channel.",
                (Func<HttpContext, string, IResult>)channels.Get) { Response = json.ChannelView },
            new("PATCH", "/channels/{name}", SuperAdmin, "channels", "Change a channel made through the API; keys and headers, when given, replace the whole set.",
                (Func<HttpContext, string, Task<IResult>>)channels.PatchAsync) { RequestBody = json.ChannelRequest, Response = json.ChannelView },
            new("DELETE", "/channels/{name}", SuperAdmin, "channels", "Delete a channel made through the API.",
                (Func<HttpContext, string, Task<IResult>>)channels.DeleteAsync) { SuccessStatus = 204 },
            new("POST", "/channels/{name}/test", SuperAdmin, "channels",
                "Probe every key of a channel now, as the health checker does: status, latency and the upstream's error text (key material masked); saved as each key's last health check.",
                (Func<HttpContext, string, Task<IResult>>)channelTests.TestChannelAsync) { Response = AdminJsonContext.Default.ChannelTestView },
            new("POST", "/channels/{name}/keys/{index}/test", SuperAdmin, "channels", "Probe one key of a channel now (index from 0, in the order the channel lists its keys).",
                (Func<HttpContext, string, string, Task<IResult>>)channelTests.TestKeyAsync) { Response = AdminJsonContext.Default.ChannelTestView },

            new("GET", "/models", User, "models", "Every model's aliases, price (USD per million tokens) and fallbacks.",
                (Func<HttpContext, IResult>)models.List) { Response = json.PageModelView, Query = Paging },
            new("PUT", "/models/{name}", SuperAdmin, "models", "Create or replace a model's aliases, price and fallbacks.",
                (Func<HttpContext, string, Task<IResult>>)models.PutAsync) { RequestBody = json.ModelRequest, Response = json.ModelView },
            new("DELETE", "/models/{name}", SuperAdmin, "models", "Delete a model's stored settings.",
                (Func<HttpContext, string, Task<IResult>>)models.DeleteAsync) { SuccessStatus = 204 },

            new("GET", "/routes", GroupAdmin, "routes",
                "The routing rules and A/B splits, in the order they are tried: the config file's (source config, read-only here), then those stored through this API (group admins: rules naming their group or no group).",
                (Func<HttpContext, IResult>)routes.List) { Response = RoutesJsonContext.Default.RoutesView },
            new("GET", "/routes/{name}", GroupAdmin, "routes", "One routing rule.",
                (Func<HttpContext, string, IResult>)routes.Get) { Response = RoutesJsonContext.Default.RouteView },
            new("POST", "/routes", SuperAdmin, "routes", "Store a rule after the others, validated as the config file's are; every instance applies it within a second.",
                (Func<HttpContext, Task<IResult>>)routes.CreateAsync) { RequestBody = RoutesJsonContext.Default.RouteRequest, Response = RoutesJsonContext.Default.RouteView, SuccessStatus = 201 },
            new("PATCH", "/routes/{name}", SuperAdmin, "routes", "Change a stored rule: each field given replaces the stored one (a target replaces a split and the reverse); a split moved to 100 % is the blue-green switch.",
                (Func<HttpContext, string, Task<IResult>>)routes.PatchAsync) { RequestBody = RoutesJsonContext.Default.RoutePatch, Response = RoutesJsonContext.Default.RouteView },
            new("DELETE", "/routes/{name}", SuperAdmin, "routes", "Delete a stored rule.",
                (Func<HttpContext, string, Task<IResult>>)routes.DeleteAsync) { SuccessStatus = 204 },
            new("PUT", "/routes/order", SuperAdmin, "routes", "Set the order of the stored rules (every stored name once); the config file's rules stay first.",
                (Func<HttpContext, Task<IResult>>)routes.ReorderAsync) { RequestBody = RoutesJsonContext.Default.RouteOrderRequest, Response = RoutesJsonContext.Default.RoutesView },

            new("GET", "/usage", User, "usage", "Ledger sums by one dimension; format=csv for CSV (group admins: their group; users: their own).",
                (Func<HttpContext, Task<IResult>>)usage.GetAsync)
            {
                Response = AdminJsonContext.Default.UsageView,
                Query = [("from", "Date or timestamp."), ("to", "Date (inclusive) or timestamp."), ("group_by", "key, user, group, model, channel, day or month."),
                    ("key", "Only this key name."), ("user", "Only this user."), ("group", "Only this group."), ("model", "Only this served model."),
                    ("channel", "Only this channel."), ("format", "csv for CSV.")],
            },
            new("POST", "/reconciliation", SuperAdmin, "reconciliation", "Compare an upstream usage or cost export (CSV body) for a channel and UTC day with the ledger; the report is stored.",
                (Func<HttpContext, Task<IResult>>)reconciliation.CreateAsync)
            {
                Response = Billing.Reconciliation.ReconciliationJson.Default.ReconciliationReport,
                SuccessStatus = 201,
                Query = [("channel", "The channel whose upstream the export comes from."), ("day", "UTC date, e.g. 2026-11-30.")],
            },
            new("GET", "/reconciliation", SuperAdmin, "reconciliation", "Stored reconciliation reports, newest first.",
                (Func<HttpContext, Task<IResult>>)reconciliation.ListAsync)
            {
                Response = Billing.Reconciliation.ReconciliationJson.Default.ReconciliationList,
                Query = [("channel", "Only this channel's reports."), ("day", "Only this UTC day's reports."), ("limit", "1 to 1000 (default 100).")],
            },
            new("GET", "/reconciliation/{id}", SuperAdmin, "reconciliation", "One stored reconciliation report.",
                (Func<string, HttpContext, Task<IResult>>)reconciliation.GetAsync) { Response = Billing.Reconciliation.ReconciliationJson.Default.ReconciliationReport },

            new("GET", "/alerts", SuperAdmin, "alerts", "Alert deliveries to webhooks, newest first: event, subject, webhook name, status, attempts, last error.",
                (Func<HttpContext, Task<IResult>>)alerts.ListAsync)
            {
                Response = Telemetry.Alerts.AlertJson.Default.AlertDeliveryList,
                Query = [("event", "channel_down, key_disabled, budget_80, budget_100 or reconciliation_mismatch."), ("status", "delivered, failed or suppressed."),
                    ("webhook", "Webhook name."), ("limit", "1 to 1000 (default 100).")],
            },

            new("GET", "/requests", User, "requests", "The request log, newest first (group admins: their group; users: their own).",
                (Func<HttpContext, Task<IResult>>)requests.ListAsync)
            {
                Response = json.PageRequestLogView,
                Query = [("key", "Key name."), ("user", "User."), ("group", "Group."), ("model", "Requested or served model."), ("channel", "Channel."),
                    ("status", "HTTP status."), ("from", "Timestamp."), ("to", "Timestamp."), .. Paging],
            },
            new("GET", "/requests/{id}", User, "requests",
                "One request's whole record: error text, attempt chain (channel, key hint, status, latency), fallback, tokens and cost (group admins: their group's; users: their own).",
                (Func<HttpContext, string, Task<IResult>>)requests.GetAsync) { Response = json.RequestDetailView },
            new("GET", "/prices", SuperAdmin, "usage",
                "The effective price book (per model: source, version, USD per 1M tokens), group multipliers, and every price version charged so far.",
                (Func<HttpContext, Task<IResult>>)prices.ListAsync) { Response = PricesJsonContext.Default.PriceBookView },
            new("GET", "/requests/{id}/bodies", GroupAdmin, "requests",
                "The stored, redacted prompt and completion of one request (groups with store_bodies only; group admins: their group's).",
                (Func<HttpContext, string, Task<IResult>>)requests.BodiesAsync) { Response = json.RequestBodiesView },

            new("POST", "/playground/v1/chat/completions", User, "playground",
                "The console's playground: an OpenAI Chat Completions request run as you, with your group's models, limits and prices, ledgered like any (super admins and the master key: ?group= picks the group).",
                (Func<HttpContext, Task>)playground.ChatAsync) { Query = PlaygroundGroup },
            new("POST", "/playground/v1/responses", User, "playground", "The playground's OpenAI Responses request, run as you.",
                (Func<HttpContext, Task>)playground.ResponsesAsync) { Query = PlaygroundGroup },
            new("POST", "/playground/v1/messages", User, "playground", "The playground's Anthropic Messages request, run as you.",
                (Func<HttpContext, Task>)playground.MessagesAsync) { Query = PlaygroundGroup },
            new("POST", "/playground/v1beta/models/{**target}", User, "playground",
                "The playground's Gemini request (target: {model}:generateContent or {model}:streamGenerateContent with alt=sse), run as you.",
                (Func<HttpContext, string, Task>)playground.GeminiAsync) { Query = [("alt", "sse to stream."), .. PlaygroundGroup] },

            new("GET", "/audit", SuperAdmin, "audit", "The audit log, newest first.",
                (Func<HttpContext, Task<IResult>>)audit.ListAsync)
            {
                Response = json.PageAuditEntry,
                Query = [("actor", "Who."), ("action", "e.g. user.create, login."), ("target_type", "user, group, key, channel, model, session."), ("target", "Name or id."),
                    ("from", "Timestamp."), ("to", "Timestamp."), .. Paging],
            },
            new("GET", "/audit/verify", SuperAdmin, "audit", "Walk the hash chain: intact, or the first entry where it breaks.",
                (Func<HttpContext, Task<IResult>>)audit.VerifyAsync) { Response = json.AuditVerification },
            new("GET", "/audit/export", SuperAdmin, "audit", "The whole chain, oldest first, as JSON lines.",
                (Func<HttpContext, Task>)audit.ExportAsync) { SuccessContentType = "application/x-ndjson" },
        ];
    }
}
