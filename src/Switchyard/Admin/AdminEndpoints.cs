using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Protocols.OpenAi;
using Switchyard.Relay;

namespace Switchyard.Admin;

public static class AdminEndpoints
{
    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        var keys = ActivatorUtilities.CreateInstance<KeysAdmin>(app.ServiceProvider);
        var usage = ActivatorUtilities.CreateInstance<UsageAdmin>(app.ServiceProvider);
        var channels = ActivatorUtilities.CreateInstance<ChannelsAdmin>(app.ServiceProvider);
        var reconciliation = ActivatorUtilities.CreateInstance<ReconciliationAdmin>(app.ServiceProvider);
        var auth = app.ServiceProvider.GetRequiredService<AdminAuthorization>();

        var admin = app.MapGroup("/admin").AddEndpointFilter(async (context, next) =>
        {
            if (auth.Check(context.HttpContext.Request) is { } error)
            {
                await OpenAiErrors.WriteAsync(context.HttpContext.Response, error, context.HttpContext.RequestAborted);
                return Results.Empty;
            }
            return await next(context);
        });
        admin.MapPost("/keys", (Delegate)keys.CreateAsync);
        admin.MapGet("/keys", (Delegate)keys.ListAsync);
        admin.MapGet("/keys/{id}", keys.GetAsync);
        admin.MapDelete("/keys/{id}", keys.RevokeAsync);
        admin.MapGet("/usage", (Delegate)usage.GetAsync);
        admin.MapPost("/reconciliation", (Delegate)reconciliation.CreateAsync);
        admin.MapGet("/reconciliation", (Delegate)reconciliation.ListAsync);
        admin.MapGet("/reconciliation/{id}", reconciliation.GetAsync);
        admin.MapGet("/channels", (Delegate)channels.List);
        admin.Map("/{**rest}", (HttpContext http) => OpenAiErrors.WriteAsync(http.Response,
            new RelayError(RelayErrorKind.InvalidRequest, 404, $"Unknown admin endpoint {http.Request.Method} {http.Request.Path}.") { Code = "unknown_url" },
            http.RequestAborted));
    }

    internal static IResult Error(int status, string message, string? param = null, string? code = null) =>
        new AdminErrorResult(new RelayError(status == 404 ? RelayErrorKind.InvalidRequest : RelayErrorKind.InvalidRequest, status, message) { Param = param, Code = code });

    private sealed class AdminErrorResult(RelayError error) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => OpenAiErrors.WriteAsync(httpContext.Response, error, httpContext.RequestAborted);
    }
}
