using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchyard.Contracts;
using Switchyard.Protocols;
using Switchyard.Protocols.Gemini;
using Switchyard.Routing;
using Switchyard.Tenancy;

namespace Switchyard.Relay;

/// <summary>
/// Google's Gemini API paths under <c>/v1beta</c>: generateContent and streamGenerateContent through the relay, the
/// model list for the calling key, and Google's error shape for everything else.
/// </summary>
public sealed class GeminiEndpoints(ChatRelay relay, ClientProtocols protocols, ModelsEndpoint models, KeyRing keys, TimeProvider time)
{
    private static readonly string[] Methods = ["generateContent", "streamGenerateContent", "countTokens"];

    private static readonly string[] Served = [.. Methods, "embedContent", "batchEmbedContents"];

    public void Map(IEndpointRouteBuilder app)
    {
        if (protocols.GeminiGenerate is not { } generate || protocols.GeminiStream is not { } stream)
        {
            return;
        }
        app.MapPost("/v1beta/models/{**" + GeminiClientProtocol.TargetRouteValue + "}", (HttpContext http, string target) => DispatchAsync(http, target, generate, stream));
        // @google/genai 3.x calls the stable version by default: /v1/models/{model}:METHOD. OpenAI has no POST there.
        app.MapPost("/v1/models/{**" + GeminiClientProtocol.TargetRouteValue + "}", (HttpContext http, string target) => DispatchAsync(http, target, generate, stream));
        app.MapGet("/v1beta/models", ListAsync);
        app.MapGet("/v1beta/models/{**model}", (HttpContext http, string model) => GetAsync(http, model));
        app.Map("/v1beta/{**rest}", (HttpContext http) => ErrorAsync(http,
            new GatewayError(GatewayErrorKind.InvalidRequest, 404, $"Unknown endpoint {http.Request.Method} {http.Request.Path}.")));
    }

    private Task DispatchAsync(HttpContext http, string target, ClientProtocol generate, ClientProtocol stream)
    {
        var (_, method) = GeminiClientProtocol.SplitTarget(target);
        switch (method)
        {
            case "generateContent":
                return relay.HandleAsync(http, generate);
            case "streamGenerateContent" when string.Equals(http.Request.Query["alt"], "sse", StringComparison.Ordinal):
                return relay.HandleAsync(http, stream);
            case "streamGenerateContent":
                // Without alt=sse Google streams one JSON array, element by element.
                return relay.HandleAsync(http, protocols.GeminiStreamArray!);
            case "countTokens":
                return relay.HandleAsync(http, protocols.GeminiCountTokens!);
            case "embedContent":
                return relay.HandleAsync(http, protocols.GeminiEmbed!);
            case "batchEmbedContents":
                return relay.HandleAsync(http, protocols.GeminiBatchEmbed!);
            default:
                return ErrorAsync(http, new GatewayError(GatewayErrorKind.InvalidRequest, 404,
                    $"Method '{method}' is not served here; this gateway serves {string.Join(", ", Served)}."));
        }
    }

    private static async Task ErrorAsync(HttpContext http, GatewayError error)
    {
        http.Response.StatusCode = error.Status;
        http.Response.ContentType = "application/json; charset=UTF-8";
        GeminiErrors.Write(http.Response.BodyWriter, error);
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
    }

    private async Task<VirtualKey?> AuthenticateAsync(HttpContext http)
    {
        var context = new RelayContext("models", time);
        http.Response.Headers["x-request-id"] = context.RequestId;
        if (KeyAuthentication.Authenticate(keys, protocols.GeminiGenerate!.ApiKey(http.Request), context, http) is { } error)
        {
            await ErrorAsync(http, error);
            return null;
        }
        return context.Key;
    }

    /// <summary>Gemini's ListModelsResponse with the models the calling key may use.</summary>
    private async Task ListAsync(HttpContext http, Routing.GatewayRuntime runtime)
    {
        if (await AuthenticateAsync(http) is not { } key)
        {
            return;
        }
        http.Response.ContentType = "application/json; charset=UTF-8";
        using (var writer = new Utf8JsonWriter(http.Response.BodyWriter))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("models");
            foreach (var name in runtime.Catalog.PublicNames.Where(n => models.IsUsable(key, n)))
            {
                WriteModel(writer, name);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
    }

    private async Task GetAsync(HttpContext http, string model)
    {
        if (await AuthenticateAsync(http) is not { } key)
        {
            return;
        }
        if (!models.IsUsable(key, model))
        {
            await ErrorAsync(http, new GatewayError(GatewayErrorKind.ModelNotFound, 404, $"models/{model} is not found for API version v1beta, or you do not have access to it."));
            return;
        }
        http.Response.ContentType = "application/json; charset=UTF-8";
        using (var writer = new Utf8JsonWriter(http.Response.BodyWriter))
        {
            WriteModel(writer, model);
        }
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
    }

    private static void WriteModel(Utf8JsonWriter writer, string name)
    {
        writer.WriteStartObject();
        writer.WriteString("name", "models/" + name);
        writer.WriteString("displayName", name);
        writer.WriteStartArray("supportedGenerationMethods");
        foreach (var method in Methods)
        {
            writer.WriteStringValue(method);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
