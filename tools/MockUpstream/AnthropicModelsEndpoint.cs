using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Switchyard.MockUpstream;

/// <summary>
/// Anthropic's <c>GET /v1/models</c> (<c>{"data":[{"type":"model","id","display_name","created_at"}],"has_more",
/// "first_id","last_id"}</c>, newest first) and <c>GET /v1/models/{id}</c>. Anthropic shares the path with OpenAI, so
/// a caller that authenticates the Anthropic way (<c>x-api-key</c>, no bearer token) gets this answer.
/// </summary>
internal sealed class AnthropicModelsEndpoint(MockPipeline pipeline)
{
    private const string ContentType = "application/json";

    private static readonly (string Id, string DisplayName, string CreatedAt)[] Catalogue =
    [
        ("claude-opus-4-5", "Claude Opus 4.5", "2025-11-24T00:00:00Z"),
        ("claude-sonnet-4-5", "Claude Sonnet 4.5", "2025-09-29T00:00:00Z"),
        ("claude-haiku-4-5", "Claude Haiku 4.5", "2025-10-15T00:00:00Z"),
    ];

    private static readonly byte[] ListBody = CatalogueAnswers.Serialise(json =>
    {
        json.WriteStartObject();
        json.WriteStartArray("data"u8);
        foreach (var model in Catalogue)
        {
            WriteModel(json, model);
        }
        json.WriteEndArray();
        json.WriteBoolean("has_more"u8, false);
        json.WriteString("first_id"u8, Catalogue[0].Id);
        json.WriteString("last_id"u8, Catalogue[^1].Id);
        json.WriteEndObject();
    });

    private static readonly FrozenDictionary<string, byte[]> ModelBodies = Catalogue.ToFrozenDictionary(m => m.Id, m => CatalogueAnswers.Serialise(json => WriteModel(json, m)), StringComparer.Ordinal);

    /// <summary>True when the request authenticates as an Anthropic client would.</summary>
    public static bool IsAnthropicCaller(HttpContext context) =>
        context.Request.Headers.ContainsKey("x-api-key") && !context.Request.Headers.ContainsKey("Authorization");

    public Task ListAsync(HttpContext context, ReadOnlyMemory<byte> body, MockDirectives directives) =>
        CatalogueAnswers.ListAsync(pipeline, context, directives, Catalogue[0].Id, ListBody, ContentType);

    public Task GetAsync(HttpContext context, ReadOnlyMemory<byte> body, MockDirectives directives) =>
        CatalogueAnswers.GetAsync(pipeline, context, directives, ModelBodies, ContentType, static (context, id) =>
            AnthropicErrors.WriteAsync(context, StatusCodes.Status404NotFound, "not_found_error", $"model: {id}"));

    private static void WriteModel(Utf8JsonWriter json, (string Id, string DisplayName, string CreatedAt) model)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "model"u8);
        json.WriteString("id"u8, model.Id);
        json.WriteString("display_name"u8, model.DisplayName);
        json.WriteString("created_at"u8, model.CreatedAt);
        json.WriteEndObject();
    }
}
