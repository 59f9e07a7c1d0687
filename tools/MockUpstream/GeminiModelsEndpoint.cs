using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Switchyard.MockUpstream;

/// <summary>
/// <c>GET /v1beta/models</c> (Google's ListModelsResponse: <c>models</c>, each a Model resource named
/// <c>models/{id}</c>) and <c>GET /v1beta/models/{id}</c>, over a fixed catalogue serialised once.
/// </summary>
internal sealed class GeminiModelsEndpoint(MockPipeline pipeline)
{
    private static readonly (string Id, string DisplayName, long InputLimit, long OutputLimit, string[] Methods)[] Catalogue =
    [
        ("gemini-2.5-flash", "Gemini 2.5 Flash", 1_048_576, 65_536, ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"]),
        ("gemini-2.5-pro", "Gemini 2.5 Pro", 1_048_576, 65_536, ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"]),
        ("gemini-embedding-001", "Gemini Embedding 001", 2_048, 1, ["embedContent", "countTextTokens", "countTokens", "asyncBatchEmbedContent"]),
    ];

    private static readonly byte[] ListBody = BuildList();

    private static readonly FrozenDictionary<string, byte[]> ModelBodies = Catalogue.ToFrozenDictionary(m => m.Id, m => CatalogueAnswers.Serialise(json => WriteModel(json, m)), StringComparer.Ordinal);

    public Task ListAsync(HttpContext context, ReadOnlyMemory<byte> body, MockDirectives directives) =>
        CatalogueAnswers.ListAsync(pipeline, context, directives, "gemini-2.5-flash", ListBody, "application/json; charset=UTF-8");

    public Task GetAsync(HttpContext context, ReadOnlyMemory<byte> body, MockDirectives directives) =>
        CatalogueAnswers.GetAsync(pipeline, context, directives, ModelBodies, "application/json; charset=UTF-8", static (context, id) =>
            GeminiErrors.WriteAsync(context, StatusCodes.Status404NotFound, $"models/{id} is not found for API version v1beta.", "NOT_FOUND"));

    private static byte[] BuildList() => CatalogueAnswers.Serialise(json =>
    {
        json.WriteStartObject();
        json.WriteStartArray("models"u8);
        foreach (var model in Catalogue)
        {
            WriteModel(json, model);
        }
        json.WriteEndArray();
        json.WriteEndObject();
    });

    private static void WriteModel(Utf8JsonWriter json, (string Id, string DisplayName, long InputLimit, long OutputLimit, string[] Methods) model)
    {
        json.WriteStartObject();
        json.WriteString("name"u8, "models/" + model.Id);
        json.WriteString("version"u8, "001"u8);
        json.WriteString("displayName"u8, model.DisplayName);
        json.WriteNumber("inputTokenLimit"u8, model.InputLimit);
        json.WriteNumber("outputTokenLimit"u8, model.OutputLimit);
        json.WriteStartArray("supportedGenerationMethods"u8);
        foreach (var method in model.Methods)
        {
            json.WriteStringValue(method);
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
