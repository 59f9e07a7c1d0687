using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Switchyard.Audit;
using Switchyard.Configuration;
using Switchyard.Routing;
using Switchyard.SharedState;
using Switchyard.Storage;

namespace Switchyard.Admin;

/// <summary>
/// <c>/admin/routes</c>: the routing rules and splits in the order they are tried — the config file's first (read-only
/// here), then those stored through this API. Super admins create, change, reorder and delete the stored ones; each
/// change bumps the shared state version, so every instance (relays included) swaps its snapshot within a poll and no
/// request reads the database for it. Group admins read the rules that concern their group or no group.
/// </summary>
internal sealed class RoutesAdmin(GatewayRuntime runtime, RouteStore store, StateReloader state, AuditLog audit, TimeProvider time)
{
    /// <summary>Stored rules are metric label values (route, arm): a cap keeps those series bounded.</summary>
    public const int MaxStored = 100;

    public IResult List(HttpContext http)
    {
        var principal = AdminPrincipal.Of(http);
        var views = runtime.Config.Routes.Select(r => VisibleView(principal, r)).OfType<RouteView>().ToList();
        return Results.Json(new RoutesView(views), RoutesJsonContext.Default.RoutesView);
    }

    public IResult Get(HttpContext http, string name)
    {
        var rule = runtime.Config.Routes.FirstOrDefault(r => r.Name == name);
        return rule is not null && VisibleView(AdminPrincipal.Of(http), rule) is { } view
            ? Results.Json(view, RoutesJsonContext.Default.RouteView)
            : NotFound(name);
    }

    public async Task<IResult> CreateAsync(HttpContext http)
    {
        var (request, error) = await AdminBody.ReadAsync(http, RoutesJsonContext.Default.RouteRequest);
        if (request is null)
        {
            return error!;
        }
        if (request.Name is null)
        {
            return AdminErrors.Result(400, "A rule needs a name.", "name");
        }
        if (request.Model is null)
        {
            return AdminErrors.Result(400, "A rule needs a model (a name, an alias or a pattern such as gpt-4o*).", "model");
        }
        var rule = new RouteRuleConfig
        {
            Name = request.Name,
            Model = request.Model,
            When = Complete(request.When) ?? new RouteConditions(),
            Target = Complete(request.Target),
            Split = Complete(request.Split),
            Enabled = request.Enabled ?? true,
        };
        if (Validate(rule) is { } invalid)
        {
            return invalid;
        }
        if (IsFileRule(rule.Name))
        {
            return DeclaredInFile(rule.Name);
        }
        var stored = await store.ListAsync(http.RequestAborted);
        if (stored.Count >= MaxStored)
        {
            return AdminErrors.Result(409, $"At most {MaxStored} rules may be stored; delete one first.", code: "route_limit");
        }
        var now = time.GetUtcNow();
        if (!await store.InsertAsync(new StoredRoute(rule, now, now), http.RequestAborted))
        {
            return AdminErrors.Result(409, $"A rule named '{rule.Name}' exists already.", "name", "route_exists");
        }
        await state.ChangedAsync(http.RequestAborted);
        var view = View(rule);
        await audit.RecordAsync(http, "route.create", "route", rule.Name, Json(view));
        return Results.Json(view, RoutesJsonContext.Default.RouteView, statusCode: 201);
    }

    /// <summary>Each field given replaces the stored one; a target replaces a split and a split a target.</summary>
    public async Task<IResult> PatchAsync(HttpContext http, string name)
    {
        var (request, error) = await AdminBody.ReadAsync(http, RoutesJsonContext.Default.RoutePatch);
        if (request is null)
        {
            return error!;
        }
        if (IsFileRule(name))
        {
            return DeclaredInFile(name);
        }
        var existing = (await store.ListAsync(http.RequestAborted)).FirstOrDefault(r => r.Config.Name == name);
        if (existing is null)
        {
            return NotFound(name);
        }
        var old = existing.Config;
        var rule = old with
        {
            Model = request.Model ?? old.Model,
            When = Complete(request.When) ?? old.When,
            Target = Complete(request.Target) ?? (request.Split is null ? old.Target : null),
            Split = Complete(request.Split) ?? (request.Target is null ? old.Split : null),
            Enabled = request.Enabled ?? old.Enabled,
        };
        if (Validate(rule) is { } invalid)
        {
            return invalid;
        }
        if (!await store.UpdateAsync(existing with { Config = rule, UpdatedAt = time.GetUtcNow() }, http.RequestAborted))
        {
            return NotFound(name);
        }
        await state.ChangedAsync(http.RequestAborted);
        var view = View(rule);
        await audit.RecordAsync(http, "route.update", "route", name, AuditDiff.Of(Json(View(old)), Json(view)));
        return Results.Json(view, RoutesJsonContext.Default.RouteView);
    }

    public async Task<IResult> DeleteAsync(HttpContext http, string name)
    {
        if (IsFileRule(name))
        {
            return DeclaredInFile(name);
        }
        var existing = (await store.ListAsync(http.RequestAborted)).FirstOrDefault(r => r.Config.Name == name);
        if (existing is null || !await store.DeleteAsync(name, http.RequestAborted))
        {
            return NotFound(name);
        }
        await state.ChangedAsync(http.RequestAborted);
        await audit.RecordAsync(http, "route.delete", "route", name, Json(View(existing.Config)));
        return Results.NoContent();
    }

    /// <summary>The stored rules' new order: every stored name once (the config file's rules keep their place, first).</summary>
    public async Task<IResult> ReorderAsync(HttpContext http)
    {
        var (request, error) = await AdminBody.ReadAsync(http, RoutesJsonContext.Default.RouteOrderRequest);
        if (request is null)
        {
            return error!;
        }
        var stored = await store.ListAsync(http.RequestAborted);
        var before = stored.Select(r => r.Config.Name).ToList();
        var names = request.Names ?? [];
        if (names.Count != before.Count || names.Distinct(StringComparer.Ordinal).Count() != names.Count || !names.All(before.Contains))
        {
            return AdminErrors.Result(400, $"'names' must list each rule stored through the API exactly once: {string.Join(", ", before)}.", "names");
        }
        await store.ReorderAsync(names, http.RequestAborted);
        await state.ChangedAsync(http.RequestAborted);
        await audit.RecordAsync(http, "route.reorder", "route", "routes",
            AuditDiff.Of(JsonSerializer.Serialize(new RouteOrderRequest { Names = before }, RoutesJsonContext.Default.RouteOrderRequest),
                JsonSerializer.Serialize(request, RoutesJsonContext.Default.RouteOrderRequest)));
        return List(http);
    }

    /// <summary>The config file's own checks, with the problem's path made relative to the rule (<c>split.arms</c>).</summary>
    private static IResult? Validate(RouteRuleConfig rule)
    {
        if (HasNullEntries(rule))
        {
            return AdminErrors.Result(400, "Lists and maps in a rule may not hold null.", "when");
        }
        (string Path, string Message)? first = null;
        ConfigValidator.RouteProblems([rule], (path, message) => first ??= (path, message));
        if (first is not { } problem)
        {
            return null;
        }
        const string prefix = "routes[0]";
        // The one problem on the rule as a whole is "needs exactly one of target or split".
        var field = problem.Path == prefix ? "target" : problem.Path[(prefix.Length + 1)..];
        return AdminErrors.Result(400, $"{field}: {problem.Message}.", field);
    }

    // The source-generated reader leaves a collection the body omits null rather than at its initializer's empty value.
    private static RouteConditions? Complete(RouteConditions? w) => w is null ? null : w with
    {
        Headers = w.Headers ?? new Dictionary<string, string>(),
        Groups = w.Groups ?? [],
        Keys = w.Keys ?? [],
        Protocols = w.Protocols ?? [],
    };

    private static RouteTarget? Complete(RouteTarget? t) => t is null ? null : t with { Channels = t.Channels ?? [] };

    private static RouteSplit? Complete(RouteSplit? s) => s is null ? null : s with
    {
        Sticky = s.Sticky ?? "key",
        Arms = [.. (s.Arms ?? []).Select(a => a is null ? a! : a with { Channels = a.Channels ?? [] })],
    };

    private static bool HasNullEntries(RouteRuleConfig rule)
    {
        static bool Any(IReadOnlyList<string> items) => items.Any(i => i is null);
        var when = rule.When;
        return Any(when.Groups) || Any(when.Keys) || Any(when.Protocols) || when.Headers.Values.Any(v => v is null)
            || (rule.Target is { } t && Any(t.Channels))
            || (rule.Split is { } s && (s.Arms.Any(a => a is null) || s.Arms.Any(a => Any(a.Channels))));
    }

    private bool IsFileRule(string name) => runtime.FileConfig.Routes.Any(r => r.Name == name);

    private static IResult DeclaredInFile(string name) =>
        AdminErrors.Result(409, $"Rule '{name}' is declared in the config file; change it there.", "name", "declared_in_config");

    private static IResult NotFound(string name) => AdminErrors.Result(404, $"No routing rule named '{name}'.", "name", "route_not_found");

    private static string Json(RouteView view) => JsonSerializer.Serialize(view, RoutesJsonContext.Default.RouteView);

    private RouteView View(RouteRuleConfig r) =>
        new(r.Name, r.Model, r.When, r.Target, r.Split, r.Enabled, IsFileRule(r.Name) ? "config" : "api");

    /// <summary>
    /// Super admins see every rule. A group admin sees a rule that names no group or names its own, and of the groups
    /// only its own: other groups' names stay as hidden as their users and keys.
    /// </summary>
    private RouteView? VisibleView(AdminPrincipal principal, RouteRuleConfig rule)
    {
        if (AdminAccess.IsSuper(principal))
        {
            return View(rule);
        }
        var groups = rule.When.Groups;
        if (groups.Count == 0)
        {
            return View(rule);
        }
        return principal.Group is { } own && groups.Contains(own, StringComparer.Ordinal)
            ? View(rule) with { When = rule.When with { Groups = [own] } }
            : null;
    }
}

/// <summary>A rule as the admin API shows it: its settings and where it lives (<c>config</c>: the file, read-only; <c>api</c>: stored).</summary>
internal sealed record RouteView(string Name, string Model, RouteConditions When, RouteTarget? Target, RouteSplit? Split, bool Enabled, string Source);

internal sealed record RoutesView(IReadOnlyList<RouteView> Data);

/// <summary>POST /admin/routes: the config file's rule fields (<c>when.headers</c> for the file's <c>when.header</c>).</summary>
internal sealed record RouteRequest
{
    public string? Name { get; init; }
    public string? Model { get; init; }
    public RouteConditions? When { get; init; }
    public RouteTarget? Target { get; init; }
    public RouteSplit? Split { get; init; }
    public bool? Enabled { get; init; }
}

/// <summary>PATCH /admin/routes/{name}: the fields to replace (a rule is renamed by deleting and creating it).</summary>
internal sealed record RoutePatch
{
    public string? Model { get; init; }
    public RouteConditions? When { get; init; }
    public RouteTarget? Target { get; init; }
    public RouteSplit? Split { get; init; }
    public bool? Enabled { get; init; }
}

/// <summary>PUT /admin/routes/order: every stored rule's name, in the order they are to be tried.</summary>
internal sealed record RouteOrderRequest
{
    public List<string>? Names { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(RoutesView))]
[JsonSerializable(typeof(RouteRequest))]
[JsonSerializable(typeof(RoutePatch))]
[JsonSerializable(typeof(RouteOrderRequest))]
internal sealed partial class RoutesJsonContext : JsonSerializerContext;
