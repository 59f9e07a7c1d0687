using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace Switchyard.MockUpstream;

/// <summary>The list-and-get answers of a fixed model catalogue, shared by the OpenAI and Gemini model endpoints.</summary>
internal static class CatalogueAnswers
{
    public static async Task ListAsync(MockPipeline pipeline, HttpContext context, MockDirectives directives, string anyModel, byte[] list, string contentType)
    {
        if (await pipeline.BeforeResponseAsync(context, directives, anyModel))
        {
            await WriteAsync(context, list, contentType);
        }
    }

    public static async Task GetAsync(MockPipeline pipeline, HttpContext context, MockDirectives directives, FrozenDictionary<string, byte[]> models,
        string contentType, Func<HttpContext, string, Task> notFound)
    {
        var id = context.Request.RouteValues["id"] as string ?? string.Empty;
        if (!await pipeline.BeforeResponseAsync(context, directives, id))
        {
            return;
        }
        if (models.TryGetValue(id, out var model))
        {
            await WriteAsync(context, model, contentType);
            return;
        }
        await notFound(context, id);
    }

    public static byte[] Serialise(Action<System.Text.Json.Utf8JsonWriter> write)
    {
        using var buffer = new PooledBufferWriter();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer, MockJson.WriterOptions))
        {
            write(json);
        }
        return buffer.WrittenMemory.ToArray();
    }

    private static Task WriteAsync(HttpContext context, byte[] body, string contentType)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
