using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchyard.Hosting;
using Switchyard.Relay;
using Switchyard.Storage;
using Switchyard.Tenancy;

namespace Switchyard.Admin;

/// <summary><c>/admin/keys</c>: create (the secret is shown once), list, show and revoke virtual keys.</summary>
public sealed class KeysAdmin(KeyStore store, KeyRing ring, GatewayRuntime runtime, Quotas.QuotaPlanner planner, Quotas.IQuotaStore quotas, TimeProvider time)
{
    private const int MaxAdminBody = 64 * 1024;

    public async Task<IResult> CreateAsync(HttpContext http)
    {
        var (body, bodyError) = await RequestBodyReader.ReadAsync(http.Request, MaxAdminBody, http.RequestAborted);
        if (bodyError is not null)
        {
            return AdminEndpoints.Error(413, bodyError.Message);
        }
        CreateKeyRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(body.Span, AdminJsonContext.Default.CreateKeyRequest);
        }
        catch (JsonException e)
        {
            return AdminEndpoints.Error(400, $"Invalid JSON body: {e.Message}");
        }
        if (request is null)
        {
            return AdminEndpoints.Error(400, "The request body must be a JSON object.");
        }
        if (Validate(request) is { } invalid)
        {
            return invalid;
        }
        var secret = VirtualKeySecret.Generate();
        var key = new VirtualKey
        {
            Id = Ids.NewKeyId(),
            Name = request.Name!,
            KeyHash = VirtualKeySecret.HashHex(secret),
            KeyHint = VirtualKeySecret.Hint(secret),
            User = request.User,
            Group = request.Group!,
            Models = request.Models ?? [],
            Limits = request.Limits,
            ExpiresAt = request.ExpiresAt,
            CreatedAt = time.GetUtcNow(),
            Source = KeySources.Api,
        };
        if (!await store.InsertAsync(key, http.RequestAborted))
        {
            return AdminEndpoints.Error(409, $"A key named '{key.Name}' already exists.", "name", "key_exists");
        }
        await ring.ReloadAsync(http.RequestAborted);
        return Results.Json(View(key) with { Key = secret }, AdminJsonContext.Default.KeyView, statusCode: 201);
    }

    public async Task<IResult> ListAsync(HttpContext http)
    {
        var keys = await store.ListAsync(http.RequestAborted);
        return Results.Json(new KeyList(keys.Select(View).ToList()), AdminJsonContext.Default.KeyList);
    }

    public async Task<IResult> GetAsync(HttpContext http, string id)
    {
        var key = await store.FindAsync(id, http.RequestAborted);
        if (key is null)
        {
            return AdminEndpoints.Error(404, $"No key with id '{id}'.", "id", "key_not_found");
        }
        IReadOnlyList<QuotaView>? quota = null;
        if (planner.KeyScope(key) is { } scope)
        {
            try
            {
                quota = QuotaViews.Of(scope.Limits, await quotas.UsageAsync(scope, http.RequestAborted));
            }
            catch (Resp.RedisException)
            {
                // The key's view still answers while the shared limits store is down; its usage is just unknown.
            }
        }
        return Results.Json(View(key) with { Quota = quota }, AdminJsonContext.Default.KeyView);
    }

    public async Task<IResult> RevokeAsync(HttpContext http, string id)
    {
        var key = await store.FindAsync(id, http.RequestAborted);
        if (key is null)
        {
            return AdminEndpoints.Error(404, $"No key with id '{id}'.", "id", "key_not_found");
        }
        await store.RevokeAsync(id, time.GetUtcNow(), http.RequestAborted);
        await ring.ReloadAsync(http.RequestAborted);
        var revoked = await store.FindAsync(id, http.RequestAborted);
        return Results.Json(View(revoked!), AdminJsonContext.Default.KeyView);
    }

    private IResult? Validate(CreateKeyRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 128)
        {
            return AdminEndpoints.Error(400, "'name' is required (at most 128 characters).", "name");
        }
        if (string.IsNullOrWhiteSpace(request.Group))
        {
            return AdminEndpoints.Error(400, "'group' is required.", "group");
        }
        var config = runtime.Config;
        if (!runtime.Catalog.IsKnownGroup(request.Group))
        {
            return AdminEndpoints.Error(400, $"Unknown group '{request.Group}'.", "group");
        }
        if (request.User is not null)
        {
            var user = config.Users.FirstOrDefault(u => u.Name == request.User);
            if (user is null)
            {
                return AdminEndpoints.Error(400, $"Unknown user '{request.User}'.", "user");
            }
            if (user.Group != request.Group)
            {
                return AdminEndpoints.Error(400, $"User '{request.User}' belongs to group '{user.Group}', not '{request.Group}'.", "group");
            }
        }
        foreach (var model in request.Models ?? [])
        {
            if (runtime.Catalog.Canonical(model) is null)
            {
                return AdminEndpoints.Error(400, $"Unknown model '{model}'.", "models");
            }
        }
        if (request.ExpiresAt is { } expires && expires <= time.GetUtcNow())
        {
            return AdminEndpoints.Error(400, "'expires_at' must be in the future.", "expires_at");
        }
        return null;
    }

    private static KeyView View(VirtualKey key) => new()
    {
        Id = key.Id,
        Name = key.Name,
        KeyHint = key.KeyHint,
        Group = key.Group,
        User = key.User,
        Models = key.Models,
        Limits = key.Limits,
        ExpiresAt = key.ExpiresAt,
        RevokedAt = key.RevokedAt,
        CreatedAt = key.CreatedAt,
        Source = key.Source,
    };
}
