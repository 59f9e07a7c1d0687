using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Switchyard.MockUpstream;

/// <summary><c>POST /v1/messages</c> (plain and streamed) and <c>POST /v1/messages/count_tokens</c>.</summary>
internal sealed class AnthropicEndpoint(MockPipeline pipeline)
{
    public async Task MessagesAsync(HttpContext context, ReadOnlyMemory<byte> body, MockDirectives directives)
    {
        if (await ReadAsync(context, body, directives, countTokens: false) is not { } request
            || !await pipeline.BeforeResponseAsync(context, directives, request.Model, MockDialect.Anthropic))
        {
            return;
        }

        var outcome = MockOutcome.Decide(request.Prompt, directives, MockIds.AnthropicToolUseId);
        var header = new AnthropicHeader(MockIds.AnthropicMessageId(), request.Model);
        if (request.Stream)
        {
            using var stream = new AnthropicStream(context, pipeline, directives, header);
            await stream.WriteAsync(outcome);
            return;
        }

        using var buffer = new PooledBufferWriter();
        using (var json = new Utf8JsonWriter(buffer, MockJson.WriterOptions))
        {
            AnthropicJson.WriteMessage(json, header, outcome, complete: true);
        }

        await pipeline.WriteBodyAsync(context, buffer, directives);
    }

    /// <summary>The prompt's token count by the mock's rule: what input_tokens plus both cache counts add up to.</summary>
    public async Task CountTokensAsync(HttpContext context, ReadOnlyMemory<byte> body, MockDirectives directives)
    {
        if (await ReadAsync(context, body, directives, countTokens: true) is not { } request
            || !await pipeline.BeforeResponseAsync(context, directives, request.Model, MockDialect.Anthropic))
        {
            return;
        }

        using var buffer = new PooledBufferWriter();
        using (var json = new Utf8JsonWriter(buffer, MockJson.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("input_tokens"u8, request.Prompt.PromptTokens);
            json.WriteEndObject();
        }

        await pipeline.WriteBodyAsync(context, buffer, directives);
    }

    private static async ValueTask<AnthropicRequest?> ReadAsync(HttpContext context, ReadOnlyMemory<byte> body, MockDirectives directives, bool countTokens)
    {
        AnthropicRequest request;
        string? error;
        try
        {
            using var document = JsonDocument.Parse(body);
            error = AnthropicRequest.TryRead(document.RootElement, directives, countTokens, out request);
        }
        catch (JsonException)
        {
            await AnthropicErrors.InvalidRequestAsync(context, "There was an issue with your request body. Please check that the JSON is valid.");
            return null;
        }

        if (error is not null)
        {
            await AnthropicErrors.InvalidRequestAsync(context, error);
            return null;
        }

        return request;
    }
}
