using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Admin;
using Switchyard.Admin.Ui;
using Switchyard.Contracts;
using Switchyard.Protocols.OpenAi;
using Switchyard.Relay;
using Switchyard.Routing;
using Switchyard.Storage;

namespace Switchyard.Hosting;

internal static class EndpointMapping
{
    public static IEndpointRouteBuilder MapSwitchyard(this IEndpointRouteBuilder app, InstanceRole role = InstanceRole.All)
    {
        app.MapGet("/healthz", () => Results.Text("{\"status\":\"ok\"}", "application/json"));
        app.MapGet("/readyz", ReadyAsync);
        if (app.ServiceProvider.GetRequiredService<GatewayRuntime>().Config.Metrics.Enabled)
        {
            var metrics = app.ServiceProvider.GetRequiredService<Telemetry.Metrics.MetricsEndpoint>();
            app.MapGet("/metrics", metrics.HandleAsync);
        }

        if (role.ServesClients())
        {
            MapClientApis(app);
        }
        else
        {
            app.MapClientRefusals();
        }
        if (role.ServesAdmin())
        {
            app.MapAdmin();
            app.MapUi();
        }
        else
        {
            app.MapAdminRefusals();
        }
        return app;
    }

    private static void MapClientApis(IEndpointRouteBuilder app)
    {
        var relay = app.ServiceProvider.GetRequiredService<ChatRelay>();
        var protocols = app.ServiceProvider.GetRequiredService<ClientProtocols>();
        app.MapPost("/v1/chat/completions", (HttpContext http) => relay.HandleAsync(http, protocols.OpenAiChat));
        app.MapPost("/v1/embeddings", (HttpContext http) => relay.HandleAsync(http, protocols.OpenAiEmbeddings));
        if (protocols.AnthropicMessages is { } messages && protocols.AnthropicCountTokens is { } countTokens)
        {
            app.MapPost("/v1/messages", (HttpContext http) => relay.HandleAsync(http, messages));
            app.MapPost("/v1/messages/count_tokens", (HttpContext http) => relay.HandleAsync(http, countTokens));
        }
        if (protocols.OpenAiResponses is { } responses)
        {
            app.MapPost("/v1/responses", (HttpContext http) => relay.HandleAsync(http, responses));
        }
        var models = app.ServiceProvider.GetRequiredService<ModelsEndpoint>();
        app.MapGet("/v1/models", models.ListAsync);
        app.MapGet("/v1/models/{**model}", (HttpContext http, string model) => models.GetAsync(http, model));
        app.Map("/v1/{**rest}", (HttpContext http) => OpenAiErrors.WriteAsync(http.Response,
            new GatewayError(GatewayErrorKind.InvalidRequest, 404, $"Unknown endpoint {http.Request.Method} {http.Request.Path}.") { Code = "unknown_url" },
            http.RequestAborted));

        app.ServiceProvider.GetRequiredService<GeminiEndpoints>().Map(app);
    }

    private static async Task ReadyAsync(HttpContext http, SqlDialect dialect, ShutdownState shutdown, StartupState startup, Configuration.SecretFiles secretFiles)
    {
        if (shutdown.Draining || startup.Warming)
        {
            http.Response.StatusCode = 503;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(shutdown.Draining
                ? "{\"status\":\"unavailable\",\"reason\":\"shutting down\"}"
                : "{\"status\":\"unavailable\",\"reason\":\"warming up\"}", http.RequestAborted);
            return;
        }
        // Serving on keys read before a file broke is allowed, but a load balancer should prefer an instance whose keys are current.
        if (secretFiles.Problems is [var (path, problem), ..])
        {
            http.Response.StatusCode = 503;
            http.Response.ContentType = "application/json";
            var reason = System.Text.Json.JsonEncodedText.Encode($"secret file {path} is {problem}");
            await http.Response.WriteAsync($"{{\"status\":\"unavailable\",\"reason\":\"{reason}\"}}", http.RequestAborted);
            return;
        }
        var unavailable = "database unreachable";
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await using var connection = await dialect.OpenAsync(timeout.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(timeout.Token);
            if (http.RequestServices.GetService<Quotas.RedisLink>() is { } redis)
            {
                unavailable = "redis unreachable";
                await (await redis.GetAsync(timeout.Token)).PingAsync(timeout.Token);
            }
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync("{\"status\":\"ready\"}", http.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            http.Response.StatusCode = 503;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync($"{{\"status\":\"unavailable\",\"reason\":\"{unavailable}\"}}", http.RequestAborted);
        }
    }
}
