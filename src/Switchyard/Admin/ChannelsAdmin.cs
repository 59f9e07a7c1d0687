using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchyard.Audit;
using Switchyard.Configuration;
using Switchyard.Resilience;
using Switchyard.Routing;
using Switchyard.Security;
using Switchyard.SharedState;
using Switchyard.Storage;

namespace Switchyard.Admin;

/// <summary>
/// <c>/admin/channels</c> (super admins): each channel with its keys' state, errors and latency; channels created
/// here are stored with their keys sealed and reach every instance's router within a state poll, no restart.
/// </summary>
internal sealed class ChannelsAdmin(GatewayRuntime runtime, ChannelStore store, SecretCipher cipher, StateReloader state, AuditLog audit, TimeProvider time)
{
    public IResult List(HttpContext http)
    {
        var (limit, cursor, error) = AdminBody.Paging(http);
        if (error is not null)
        {
            return error;
        }
        var views = runtime.Catalog.Channels.Select(View).ToList();
        var page = AdminBody.PageOf(views, limit, cursor);
        return Results.Json(page, TenancyJsonContext.Default.PageChannelView);
    }

    public IResult Get(HttpContext http, string name) =>
        runtime.Catalog.Channels.FirstOrDefault(c => c.Name == name) is { } channel
            ? Results.Json(View(channel), TenancyJsonContext.Default.ChannelView)
            : NotFound(name);

    public async Task<IResult> CreateAsync(HttpContext http)
    {
        var (request, error) = await AdminBody.ReadAsync(http, TenancyJsonContext.Default.ChannelRequest);
        if (request is null)
        {
            return error!;
        }
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 64)
        {
            return AdminErrors.Result(400, "'name' is required (at most 64 characters).", "name");
        }
        if (IsFileChannel(request.Name) || await store.FindAsync(request.Name, http.RequestAborted) is not null)
        {
            return AdminErrors.Result(409, $"A channel named '{request.Name}' already exists.", "name", "channel_exists");
        }
        var config = new ChannelConfig
        {
            Name = request.Name,
            Type = request.Type ?? "",
            BaseUrl = request.BaseUrl ?? "",
            Keys = request.Keys ?? [],
            Models = request.Models ?? [],
            ModelMap = request.ModelMap ?? [],
            Groups = request.Groups ?? [],
            Priority = request.Priority ?? 0,
            Weight = request.Weight ?? 1,
            Headers = request.Headers ?? [],
        };
        if (Validate(config) is { } invalid)
        {
            return invalid;
        }
        var now = time.GetUtcNow();
        var stored = Seal(config, now, now);
        if (!await store.InsertAsync(stored, http.RequestAborted))
        {
            return AdminErrors.Result(409, $"A channel named '{config.Name}' already exists.", "name", "channel_exists");
        }
        await state.ChangedAsync(http.RequestAborted);
        var view = StoredView(stored);
        await audit.RecordAsync(http, "channel.create", "channel", config.Name, Json(view));
        return Results.Json(view, TenancyJsonContext.Default.ChannelView, statusCode: 201);
    }

    /// <summary>Fields given replace the stored ones; <c>keys</c> and <c>headers</c>, when given, replace the whole set.</summary>
    public async Task<IResult> PatchAsync(HttpContext http, string name)
    {
        var (request, error) = await AdminBody.ReadAsync(http, TenancyJsonContext.Default.ChannelRequest);
        if (request is null)
        {
            return error!;
        }
        if (IsFileChannel(name))
        {
            return DeclaredInFile(name);
        }
        var existing = await store.FindAsync(name, http.RequestAborted);
        if (existing is null)
        {
            return NotFound(name);
        }
        if (request.Name is not null && request.Name != name)
        {
            return AdminErrors.Result(400, "A channel cannot be renamed.", "name");
        }
        var config = existing.Config with
        {
            Type = request.Type ?? existing.Config.Type,
            BaseUrl = request.BaseUrl ?? existing.Config.BaseUrl,
            Models = request.Models ?? existing.Config.Models,
            ModelMap = request.ModelMap ?? existing.Config.ModelMap,
            Groups = request.Groups ?? existing.Config.Groups,
            Priority = request.Priority ?? existing.Config.Priority,
            Weight = request.Weight ?? existing.Config.Weight,
            Keys = request.Keys ?? [],
            Headers = request.Headers ?? [],
        };
        if (Validate(config) is { } invalid)
        {
            return invalid;
        }
        var resealed = Seal(config, existing.CreatedAt, time.GetUtcNow());
        var updated = resealed with
        {
            Keys = request.Keys is null ? existing.Keys : resealed.Keys,
            SealedHeaders = request.Headers is null ? existing.SealedHeaders : resealed.SealedHeaders,
        };
        await store.UpdateAsync(updated, http.RequestAborted);
        await state.ChangedAsync(http.RequestAborted);
        var view = StoredView(updated);
        await audit.RecordAsync(http, "channel.update", "channel", name, AuditDiff.Of(Json(StoredView(existing)), Json(view)));
        return Results.Json(view, TenancyJsonContext.Default.ChannelView);
    }

    public async Task<IResult> DeleteAsync(HttpContext http, string name)
    {
        if (IsFileChannel(name))
        {
            return DeclaredInFile(name);
        }
        var existing = await store.FindAsync(name, http.RequestAborted);
        if (existing is null || !await store.DeleteAsync(name, http.RequestAborted))
        {
            return NotFound(name);
        }
        await state.ChangedAsync(http.RequestAborted);
        await audit.RecordAsync(http, "channel.delete", "channel", name, Json(StoredView(existing)));
        return Results.NoContent();
    }

    private bool IsFileChannel(string name) => runtime.FileConfig.Channels.Any(c => c.Name == name);

    private IResult? Validate(ChannelConfig config)
    {
        if (config.Family == ChannelFamily.Unknown)
        {
            return AdminErrors.Result(400, $"'type' must be one of {string.Join(", ", ConfigValidator.ChannelTypes)}.", "type");
        }
        // Only http and https: a file:// or other scheme would turn the gateway into a reader of its own host.
        if (!Uri.TryCreate(config.BaseUrl, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https") || baseUrl.UserInfo.Length > 0)
        {
            return AdminErrors.Result(400, "'base_url' must be an http:// or https:// URL without credentials in it.", "base_url");
        }
        // The same host policy as the config file: an admin must not be able to aim the gateway at a metadata service.
        if (UpstreamHostPolicy.For(runtime.Config.Security.UpstreamHosts).Refuse(baseUrl, runtime.Config.Server.Listen) is { } refused)
        {
            return AdminErrors.Result(400, $"'base_url' is refused: {refused}.", "base_url", "upstream_host_refused");
        }
        if (config.Models.Count == 0 && config.ModelMap.Count == 0)
        {
            return AdminErrors.Result(400, "A channel must serve at least one model ('models' or 'model_map').", "models");
        }
        foreach (var group in config.Groups)
        {
            if (!runtime.Config.Groups.Any(g => g.Name == group))
            {
                return AdminErrors.Result(400, $"Unknown group '{group}'.", "groups");
            }
        }
        if (config.Weight < 0)
        {
            return AdminErrors.Result(400, "'weight' must be 0 or more.", "weight");
        }
        if ((config.Keys.Count > 0 || config.Headers.Count > 0) && !cipher.CanSeal)
        {
            return AdminErrors.Result(400, "Set security.secret_key in the config first: upstream keys are stored only encrypted.", "keys");
        }
        if (config.Keys.Any(string.IsNullOrWhiteSpace))
        {
            return AdminErrors.Result(400, "'keys' must not contain empty strings.", "keys");
        }
        return null;
    }

    private StoredChannel Seal(ChannelConfig config, DateTimeOffset created, DateTimeOffset updated) => new(
        config with { Keys = [], Headers = new Dictionary<string, string>() },
        config.Keys.Select(k => new SealedSecret(SecretCipher.Hint(k), cipher.Seal(k, config.Name))).ToList(),
        config.Headers.Count == 0 ? null : cipher.Seal(JsonSerializer.Serialize(new Dictionary<string, string>(config.Headers), ChannelStoreJson.Default.DictionaryStringString), config.Name),
        created, updated);

    private IResult NotFound(string name) => AdminErrors.Result(404, $"No channel named '{name}'.", "name", "channel_not_found");

    private static IResult DeclaredInFile(string name) =>
        AdminErrors.Result(409, $"Channel '{name}' is declared in the config file; change it there.", "name", "declared_in_config");

    private static string Json(ChannelView view) => JsonSerializer.Serialize(new ChannelAuditView(view.Name, view.Type, view.BaseUrl, view.Models,
        view.ModelMap, view.Groups, view.Priority, view.Weight, view.Keys.Select(k => k.KeyHint).ToList(), view.HeaderNames), TenancyJsonContext.Default.ChannelAuditView);

    /// <summary>The stored channel's settings and key hints (what the audit log records); never key or header values.</summary>
    private ChannelView StoredView(StoredChannel c)
    {
        var keys = c.Keys.Select((k, i) => new ChannelKeyView($"{c.Config.Name}#{i}", k.Hint, "stored", null, null, 0, 0, 0, null, null, null)).ToList();
        var headerNames = c.SealedHeaders is null ? []
            : JsonSerializer.Deserialize(cipher.Open(c.SealedHeaders, c.Config.Name), ChannelStoreJson.Default.DictionaryStringString)!.Keys.Order(StringComparer.Ordinal).ToList();
        return new ChannelView(c.Config.Name, c.Config.Type, c.Config.BaseUrl, c.Config.Models, c.Config.ModelMap, c.Config.Groups,
            c.Config.Priority, c.Config.Weight, keys)
        {
            Source = "api",
            HeaderNames = headerNames,
        };
    }

    private ChannelView View(Channel channel) => new(
        channel.Name,
        channel.Config.Type,
        channel.Config.BaseUrl,
        channel.Config.Models,
        channel.Config.ModelMap,
        channel.Config.Groups,
        channel.Config.Priority,
        channel.Config.Weight,
        channel.Keys.Select(KeyView).ToList())
    {
        Source = IsFileChannel(channel.Name) ? "config" : "api",
        HeaderNames = channel.Config.Headers.Keys.Order(StringComparer.Ordinal).ToList(),
    };

    private static ChannelKeyView KeyView(ChannelKey key)
    {
        var health = key.Health;
        var (requests, errors) = health.Stats.LastMinute();
        var latency = health.Stats.Latency();
        var cooling = health.CoolingUntil;
        var state = health.DisabledReason is not null ? "disabled"
            : cooling is not null ? "cooling_down"
            : health.State switch
            {
                CircuitState.Open => "open",
                CircuitState.HalfOpen => "half_open",
                _ => "ok",
            };
        return new ChannelKeyView(
            health.Id,
            key.Secret is null ? null : SecretCipher.Hint(key.Secret),
            state,
            cooling,
            health.DisabledReason,
            requests,
            errors,
            requests == 0 ? 0 : Math.Round((double)errors / requests, 4),
            latency?.P50,
            latency?.P95,
            health.LastProbe);
    }
}
