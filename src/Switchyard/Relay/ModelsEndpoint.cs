using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchyard.Contracts;
using Switchyard.Protocols.OpenAi;
using Switchyard.Routing;
using Switchyard.Tenancy;

namespace Switchyard.Relay;

/// <summary><c>GET /v1/models</c> and <c>/v1/models/{model}</c>: only what the calling key may use.</summary>
public sealed class ModelsEndpoint(GatewayRuntime runtime, KeyRing keys, TimeProvider time)
{
    private readonly long _created = time.GetUtcNow().ToUnixTimeSeconds();

    public async Task ListAsync(HttpContext http)
    {
        if (await AuthenticateAsync(http) is not { } key)
        {
            return;
        }
        http.Response.ContentType = "application/json";
        using (var writer = new Utf8JsonWriter(http.Response.BodyWriter))
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            foreach (var name in runtime.Catalog.PublicNames)
            {
                if (IsUsable(key, name))
                {
                    WriteModel(writer, name);
                }
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
    }

    public async Task GetAsync(HttpContext http, string model)
    {
        if (await AuthenticateAsync(http) is not { } key)
        {
            return;
        }
        if (!IsUsable(key, model))
        {
            // A model the key may not use is reported as absent, as OpenAI does for models outside a project.
            await OpenAiErrors.WriteAsync(http.Response, new GatewayError(GatewayErrorKind.ModelNotFound, 404,
                $"The model '{model}' does not exist or you do not have access to it.")
            { Param = "model" }, http.RequestAborted);
            return;
        }
        http.Response.ContentType = "application/json";
        using (var writer = new Utf8JsonWriter(http.Response.BodyWriter))
        {
            WriteModel(writer, model);
        }
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
    }

    public bool IsUsable(VirtualKey key, string name)
    {
        var catalog = runtime.Catalog;
        return catalog.Canonical(name) is { } canonical
            && catalog.IsAllowed(name, canonical, key.Group, key.Models)
            && catalog.Candidates(name, canonical, key.Group).Count > 0;
    }

    private void WriteModel(Utf8JsonWriter writer, string name)
    {
        writer.WriteStartObject();
        writer.WriteString("id", name);
        writer.WriteString("object", "model");
        writer.WriteNumber("created", _created);
        writer.WriteString("owned_by", "switchyard");
        writer.WriteEndObject();
    }

    private async Task<VirtualKey?> AuthenticateAsync(HttpContext http)
    {
        var context = new RelayContext("models", time);
        http.Response.Headers["x-request-id"] = context.RequestId;
        if (KeyAuthentication.Authenticate(keys, Protocols.ClientProtocol.BearerToken(http.Request), context, http) is { } error)
        {
            await OpenAiErrors.WriteAsync(http.Response, error, http.RequestAborted);
            return null;
        }
        return context.Key;
    }
}
