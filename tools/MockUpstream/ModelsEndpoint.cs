using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Switchyard.MockUpstream;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c> over a fixed catalogue, serialised once at startup.</summary>
internal sealed class ModelsEndpoint(MockPipeline pipeline)
{
    private static readonly (string Id, long Created, string OwnedBy)[] Catalogue =
    [
        ("gpt-4o", 1715367049, "system"),
        ("gpt-4o-mini", 1721172741, "system"),
        ("text-embedding-3-small", 1705948997, "system"),
        ("deepseek-chat", 1735689600, "deepseek"),
        ("deepseek-reasoner", 1737331200, "deepseek"),
        ("qwen-max", 1726012800, "qwen"),
    ];

    private static readonly byte[] ListBody = BuildList();

    private static readonly FrozenDictionary<string, byte[]> ModelBodies = BuildModels();

    public Task ListAsync(HttpContext context, ReadOnlyMemory<byte> body, MockDirectives directives) =>
        CatalogueAnswers.ListAsync(pipeline, context, directives, "gpt-4o", ListBody, "application/json");

    public Task GetAsync(HttpContext context, ReadOnlyMemory<byte> body, MockDirectives directives) =>
        CatalogueAnswers.GetAsync(pipeline, context, directives, ModelBodies, "application/json", static (context, id) => OpenAiErrors.WriteAsync(
            context,
            StatusCodes.Status404NotFound,
            $"The model '{id}' does not exist",
            "invalid_request_error",
            "model",
            "model_not_found"));

    private static byte[] BuildList()
    {
        using var buffer = new PooledBufferWriter();
        using (var json = new Utf8JsonWriter(buffer, MockJson.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("object"u8, "list"u8);
            json.WriteStartArray("data"u8);
            foreach (var model in Catalogue)
            {
                WriteModel(json, model);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenMemory.ToArray();
    }

    private static FrozenDictionary<string, byte[]> BuildModels()
    {
        var bodies = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var model in Catalogue)
        {
            using var buffer = new PooledBufferWriter();
            using (var json = new Utf8JsonWriter(buffer, MockJson.WriterOptions))
            {
                WriteModel(json, model);
            }

            bodies[model.Id] = buffer.WrittenMemory.ToArray();
        }

        return bodies.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static void WriteModel(Utf8JsonWriter json, (string Id, long Created, string OwnedBy) model)
    {
        json.WriteStartObject();
        json.WriteString("id"u8, model.Id);
        json.WriteString("object"u8, "model"u8);
        json.WriteNumber("created"u8, model.Created);
        json.WriteString("owned_by"u8, model.OwnedBy);
        json.WriteEndObject();
    }
}
