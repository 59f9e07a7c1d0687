using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Admin;
using Switchyard.Contracts;
using Switchyard.Protocols;
using Switchyard.Relay;

namespace Switchyard.Hosting;

/// <summary>
/// What one instance does (<c>--role</c>): <c>relay</c> the client APIs and its own ledger writer, <c>admin</c> the admin
/// API, the UI and the scheduled jobs, <c>all</c> both. A public relay pool then carries no admin surface, and the
/// jobs that must run once per deployment run on the few admin instances.
/// </summary>
internal enum InstanceRole
{
    All,
    Relay,
    Admin,
}

internal static class InstanceRoles
{
    public static bool ServesClients(this InstanceRole role) => role != InstanceRole.Admin;

    public static bool ServesAdmin(this InstanceRole role) => role != InstanceRole.Relay;

    /// <summary>Health checks, reconciliation, retention and alerts.</summary>
    public static bool RunsJobs(this InstanceRole role) => role != InstanceRole.Relay;

    public static string Word(this InstanceRole role) => role switch
    {
        InstanceRole.Relay => "relay",
        InstanceRole.Admin => "admin",
        InstanceRole.All => "all",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public static InstanceRole? Parse(string text) => text switch
    {
        "relay" => InstanceRole.Relay,
        "admin" => InstanceRole.Admin,
        "all" => InstanceRole.All,
        _ => null,
    };

    private const string Code = "wrong_instance_role";

    /// <summary>On a relay: the admin API answers in its own error shape, the UI in plain text.</summary>
    public static void MapAdminRefusals(this IEndpointRouteBuilder app)
    {
        const string message = "This Switchyard instance runs with --role relay and serves only the client APIs; the admin API and UI are on the admin instances.";
        app.Map("/admin", (HttpContext http) => AdminErrors.WriteAsync(http.Response, 404, message, code: Code));
        app.Map("/admin/{**rest}", (HttpContext http) => AdminErrors.WriteAsync(http.Response, 404, message, code: Code));
        app.Map("/ui/{**rest}", (HttpContext http) =>
        {
            http.Response.StatusCode = 404;
            http.Response.ContentType = "text/plain; charset=utf-8";
            return http.Response.WriteAsync(message, http.RequestAborted);
        });
    }

    /// <summary>On an admin instance: each client API answers in its caller's error shape (OpenAI, Anthropic, Gemini).</summary>
    public static void MapClientRefusals(this IEndpointRouteBuilder app)
    {
        var protocols = app.ServiceProvider.GetRequiredService<ClientProtocols>();
        RequestDelegate Refuse(ClientProtocol protocol) => http => ChatRelay.WriteErrorAsync(http.Response, protocol,
            new GatewayError(GatewayErrorKind.InvalidRequest, 404,
                $"This Switchyard instance runs with --role admin and serves only the admin API and UI; send {http.Request.Method} {http.Request.Path} to a relay instance.")
            { Code = Code });
        if (protocols.AnthropicMessages is { } messages)
        {
            app.Map("/v1/messages", Refuse(messages));
            app.Map("/v1/messages/{**rest}", Refuse(messages));
        }
        if (protocols.GeminiGenerate is { } gemini)
        {
            app.Map("/v1beta/{**rest}", Refuse(gemini));
            // Google's clients call /v1/models/{model}:generateContent too; OpenAI has no POST there.
            app.MapPost("/v1/models/{**rest}", Refuse(gemini));
        }
        app.Map("/v1/{**rest}", Refuse(protocols.OpenAiChat));
    }
}
