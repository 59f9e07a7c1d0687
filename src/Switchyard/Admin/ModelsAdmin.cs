using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchyard.Audit;
using Switchyard.Configuration;
using Switchyard.Routing;
using Switchyard.SharedState;
using Switchyard.Storage;

namespace Switchyard.Admin;

/// <summary><c>/admin/models</c>: every model's aliases, price and fallbacks; super admins set those of models not in the file.</summary>
internal sealed class ModelsAdmin(GatewayRuntime runtime, ModelStore store, StateReloader state, AuditLog audit, TimeProvider time)
{
    public IResult List(HttpContext http)
    {
        var (limit, cursor, error) = AdminBody.Paging(http);
        if (error is not null)
        {
            return error;
        }
        var views = runtime.Config.Models.Select(View).ToList();
        return Results.Json(AdminBody.PageOf(views, limit, cursor), TenancyJsonContext.Default.PageModelView);
    }

    /// <summary>Creates the model's settings or replaces them whole.</summary>
    public async Task<IResult> PutAsync(HttpContext http, string name)
    {
        var (request, error) = await AdminBody.ReadAsync(http, TenancyJsonContext.Default.ModelRequest);
        if (request is null)
        {
            return error!;
        }
        if (IsFileModel(name))
        {
            return DeclaredInFile(name);
        }
        if (name.Length is 0 or > 128)
        {
            return AdminErrors.Result(400, "A model name has 1 to 128 characters.", "name");
        }
        var config = new ModelConfig { Name = name, Aliases = request.Aliases ?? [], Price = request.Price, Fallbacks = request.Fallbacks ?? [] };
        if (Validate(config) is { } invalid)
        {
            return invalid;
        }
        var existing = await store.FindAsync(name, http.RequestAborted);
        var now = time.GetUtcNow();
        await store.UpsertAsync(new StoredModel(config, existing?.CreatedAt ?? now, now), http.RequestAborted);
        await state.ChangedAsync(http.RequestAborted);
        var view = View(config);
        await audit.RecordAsync(http, existing is null ? "model.create" : "model.update", "model", name,
            existing is null ? Json(view) : AuditDiff.Of(Json(View(existing.Config)), Json(view)));
        return Results.Json(view, TenancyJsonContext.Default.ModelView, statusCode: existing is null ? 201 : 200);
    }

    public async Task<IResult> DeleteAsync(HttpContext http, string name)
    {
        if (IsFileModel(name))
        {
            return DeclaredInFile(name);
        }
        var existing = await store.FindAsync(name, http.RequestAborted);
        if (existing is null || !await store.DeleteAsync(name, http.RequestAborted))
        {
            return AdminErrors.Result(404, $"No model settings stored for '{name}'.", "name", "model_not_found");
        }
        await state.ChangedAsync(http.RequestAborted);
        await audit.RecordAsync(http, "model.delete", "model", name, Json(View(existing.Config)));
        return Results.NoContent();
    }

    private IResult? Validate(ModelConfig config)
    {
        var taken = runtime.Config.Models.Where(m => m.Name != config.Name).SelectMany(m => m.Aliases.Prepend(m.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var alias in config.Aliases)
        {
            if (alias == config.Name || !taken.Add(alias))
            {
                return AdminErrors.Result(400, $"'{alias}' is already a model name or alias.", "aliases");
            }
        }
        if (config.Fallbacks.Contains(config.Name, StringComparer.Ordinal))
        {
            return AdminErrors.Result(400, "A model cannot fall back to itself.", "fallbacks");
        }
        if (config.Price is { } p && (p.Input < 0 || p.Output < 0 || p.CachedInput < 0 || p.CacheWrite < 0 || p.Reasoning < 0))
        {
            return AdminErrors.Result(400, "Prices are USD per million tokens, 0 or more.", "price");
        }
        return null;
    }

    private bool IsFileModel(string name) => runtime.FileConfig.Models.Any(m => m.Name == name);

    private static IResult DeclaredInFile(string name) =>
        AdminErrors.Result(409, $"Model '{name}' is declared in the config file; change it there.", "name", "declared_in_config");

    private static string Json(ModelView view) => JsonSerializer.Serialize(view, TenancyJsonContext.Default.ModelView);

    private ModelView View(ModelConfig m) => new(m.Name, m.Aliases, m.Price, m.Fallbacks, IsFileModel(m.Name) ? "config" : "api");
}
