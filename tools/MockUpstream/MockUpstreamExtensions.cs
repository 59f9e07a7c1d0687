using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Switchyard.MockUpstream;

/// <summary>Registration shared by <see cref="MockUpstreamServer"/> and the standalone program.</summary>
public static class MockUpstreamExtensions
{
    /// <summary>Adds the mock's services. <paramref name="recordRequests"/> off spares the benchmark the copying.</summary>
    public static IServiceCollection AddMockUpstream(this IServiceCollection services, bool recordRequests = true)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new RequestJournal(recordRequests));
        services.TryAddSingleton<MockPipeline>();
        services.TryAddSingleton<ChatCompletionsEndpoint>();
        services.TryAddSingleton<EmbeddingsEndpoint>();
        services.TryAddSingleton<ModelsEndpoint>();
        services.TryAddSingleton<AnthropicEndpoint>();
        services.TryAddSingleton<ResponseStore>();
        services.TryAddSingleton<ResponsesEndpoint>();
        services.TryAddSingleton<GeminiEndpoint>();
        services.TryAddSingleton<GeminiModelsEndpoint>();
        services.TryAddSingleton<AnthropicModelsEndpoint>();
        return services;
    }

    /// <summary>
    /// Maps the OpenAI routes under <c>/v1</c>, plus a fallback answering OpenAI's "Invalid URL" 404, so
    /// map it into an application of its own.
    /// </summary>
    public static IEndpointRouteBuilder MapMockUpstream(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var pipeline = services.GetRequiredService<MockPipeline>();
        var chat = services.GetRequiredService<ChatCompletionsEndpoint>();
        var embeddings = services.GetRequiredService<EmbeddingsEndpoint>();
        var models = services.GetRequiredService<ModelsEndpoint>();
        var anthropic = services.GetRequiredService<AnthropicEndpoint>();
        var responses = services.GetRequiredService<ResponsesEndpoint>();
        var gemini = services.GetRequiredService<GeminiEndpoint>();
        var geminiModels = services.GetRequiredService<GeminiModelsEndpoint>();
        var anthropicModels = services.GetRequiredService<AnthropicModelsEndpoint>();

        endpoints.MapPost("/v1/chat/completions", pipeline.Authenticated(chat.HandleAsync));
        endpoints.MapPost("/v1/embeddings", pipeline.Authenticated(embeddings.HandleAsync));
        // OpenAI and Anthropic share these paths; the way the caller authenticates says which one it is talking to.
        RequestDelegate ByCaller(RequestDelegate openAi, RequestDelegate anthropic) =>
            context => AnthropicModelsEndpoint.IsAnthropicCaller(context) ? anthropic(context) : openAi(context);
        endpoints.MapGet("/v1/models", ByCaller(pipeline.Authenticated(models.ListAsync), pipeline.Authenticated(anthropicModels.ListAsync, MockDialect.Anthropic)));
        endpoints.MapGet("/v1/models/{**id}", ByCaller(pipeline.Authenticated(models.GetAsync), pipeline.Authenticated(anthropicModels.GetAsync, MockDialect.Anthropic)));
        endpoints.MapPost("/v1/responses", pipeline.Authenticated(responses.HandleAsync));
        endpoints.MapPost("/v1/messages", pipeline.Authenticated(anthropic.MessagesAsync, MockDialect.Anthropic));
        endpoints.MapPost("/v1/messages/count_tokens", pipeline.Authenticated(anthropic.CountTokensAsync, MockDialect.Anthropic));
        endpoints.MapPost("/v1beta/models/{**target}", pipeline.Authenticated(gemini.HandleAsync, MockDialect.Gemini));
        endpoints.MapGet("/v1beta/models", pipeline.Authenticated(geminiModels.ListAsync, MockDialect.Gemini));
        endpoints.MapGet("/v1beta/models/{**id}", pipeline.Authenticated(geminiModels.GetAsync, MockDialect.Gemini));
        endpoints.MapFallback(pipeline.Anonymous(static (context, _, _) => OpenAiErrors.InvalidUrlAsync(context)));
        return endpoints;
    }
}
