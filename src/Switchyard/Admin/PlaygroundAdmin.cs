using Microsoft.AspNetCore.Http;
using Switchyard.Audit;
using Switchyard.Protocols.Gemini;
using Switchyard.Relay;
using Switchyard.Routing;
using Switchyard.SharedState;
using Switchyard.Storage;
using Switchyard.Tenancy;

namespace Switchyard.Admin;

/// <summary>
/// <c>/admin/playground/…</c>: the console's playground. The signed-in caller's request goes through the relay as a
/// real request of theirs — made with a key of their own that the playground keeps for them in the group (so their
/// user's and group's models, limits and prices apply, and the ledger records it like any other) — answered in the
/// client protocol's own shape, streamed when asked.
/// </summary>
internal sealed class PlaygroundAdmin(ChatRelay relay, ClientProtocols protocols, KeyStore keys, StateReloader state, GatewayRuntime runtime,
    AuditLog audit, KeyHasher hasher, TimeProvider time)
{
    public Task ChatAsync(HttpContext http) => RelayAsync(http, protocols.OpenAiChat);

    public Task ResponsesAsync(HttpContext http) => RelayAsync(http, protocols.OpenAiResponses);

    public Task MessagesAsync(HttpContext http) => RelayAsync(http, protocols.AnthropicMessages);

    /// <summary>Gemini's <c>models/{model}:generateContent</c> and <c>:streamGenerateContent?alt=sse</c>.</summary>
    public Task GeminiAsync(HttpContext http, string target) => GeminiClientProtocol.SplitTarget(target).Method switch
    {
        "generateContent" => RelayAsync(http, protocols.GeminiGenerate),
        "streamGenerateContent" when string.Equals(http.Request.Query["alt"], "sse", StringComparison.Ordinal) => RelayAsync(http, protocols.GeminiStream),
        _ => AdminErrors.WriteAsync(http.Response, 404,
            "The playground serves generateContent and streamGenerateContent?alt=sse of the Gemini API.", code: "unknown_url"),
    };

    private async Task RelayAsync(HttpContext http, Protocols.ClientProtocol? protocol)
    {
        if (protocol is null)
        {
            await AdminErrors.WriteAsync(http.Response, 404, "This client protocol is not served here.", code: "unknown_url");
            return;
        }
        var principal = AdminPrincipal.Of(http);
        var (group, refusal) = GroupFor(http, principal);
        if (refusal is not null)
        {
            await refusal.ExecuteAsync(http);
            return;
        }
        var key = await KeyForAsync(http, principal, group!);
        await relay.HandleAsAsync(http, protocol, key);
    }

    /// <summary>
    /// The caller's own group; super admins may name any group with <c>?group=</c> (the master key, which has none,
    /// must). Nobody else plays in a group that is not theirs.
    /// </summary>
    private (string? Group, IResult? Refusal) GroupFor(HttpContext http, AdminPrincipal principal)
    {
        var asked = http.Request.Query["group"].ToString();
        var group = asked.Length > 0 ? asked : principal.Group;
        if (group is null)
        {
            return (null, AdminErrors.Result(400, "Name the group to play in with ?group= (the master key belongs to none).", "group", "group_required"));
        }
        if (!AdminAccess.IsSuper(principal) && !string.Equals(group, principal.Group, StringComparison.Ordinal))
        {
            return (null, AdminErrors.Forbidden("The playground runs in your own group only."));
        }
        // The same test key creation makes: the playground's key is made in this group.
        if (!runtime.Catalog.IsKnownGroup(group))
        {
            return (null, AdminErrors.Result(404, $"No group named '{group}'.", "group", "group_not_found"));
        }
        return (group, null);
    }

    /// <summary>
    /// The caller's playground key in the group, made on first use (audited like any key). Admins see it in the key
    /// list, may limit it like any key, and revoking it ends what it was used for; the next play makes a new one.
    /// </summary>
    private async Task<VirtualKey> KeyForAsync(HttpContext http, AdminPrincipal principal, string group)
    {
        var user = principal.Via == AdminCredential.MasterKey ? null : principal.Name;
        if (await keys.FindPlaygroundAsync(user, group, http.RequestAborted) is { } existing)
        {
            return existing;
        }
        var baseName = KeySources.PlaygroundPrefix + (user ?? AdminPrincipal.MasterName) + ":" + group;
        for (var attempt = 1; ; attempt++)
        {
            // The secret is never shown nor kept: only the playground uses this key, and it needs no secret to.
            var secret = VirtualKeySecret.Generate();
            var key = new VirtualKey
            {
                Id = Ids.NewKeyId(),
                Name = attempt == 1 ? baseName : $"{baseName}:{attempt}",
                KeyHash = hasher.ForStorage(secret),
                KeyHint = "playground",
                User = user,
                Group = group,
                CreatedAt = time.GetUtcNow(),
                Source = KeySources.Playground,
            };
            if (await keys.InsertAsync(key, http.RequestAborted))
            {
                await state.ChangedAsync(http.RequestAborted);
                await audit.RecordAsync(http, "key.create", "key", key.Id, KeysAdmin.Json(KeysAdmin.View(key)));
                return key;
            }
            // Two first plays at once: the other one's key serves; otherwise the name is a revoked key's, take the next.
            if (await keys.FindPlaygroundAsync(user, group, http.RequestAborted) is { } raced)
            {
                return raced;
            }
        }
    }
}
