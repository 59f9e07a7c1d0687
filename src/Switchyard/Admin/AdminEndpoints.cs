using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Switchyard.Admin;

public static partial class AdminEndpoints
{
    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        var services = app.ServiceProvider;
        var auth = services.GetRequiredService<AdminAuthorization>();
        var redactor = services.GetRequiredService<Security.Redactor>();
        var logger = services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().CreateLogger("Switchyard.Admin");
        var routes = AdminRoutes.Build(services);

        var session = ActivatorUtilities.CreateInstance<SessionAdmin>(services);
        // The login itself needs no credentials; its check and logout read the session cookie themselves.
        app.MapPost("/admin/session", (Delegate)session.LoginAsync);
        app.MapGet("/admin/session", (Delegate)session.GetAsync);
        app.MapDelete("/admin/session", (Delegate)session.DeleteAsync);
        // Opening a reset link needs no credentials either: the token is the credential.
        var reset = ActivatorUtilities.CreateInstance<PasswordResetAdmin>(services);
        app.MapPost("/admin/password-reset", (Delegate)reset.RedeemAsync);

        var admin = app.MapGroup("/admin").AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            // Secure by default: an admin endpoint that forgot to declare its rule admits super admins only.
            var rule = http.GetEndpoint()?.Metadata.GetMetadata<AdminRule>() ?? new AdminRule(AdminRole.SuperAdmin);
            if (await auth.CheckAsync(http, rule) is { } refusal)
            {
                await AdminErrors.WriteAsync(http.Response, refusal.Status, refusal.Message, code: refusal.Code);
                return Results.Empty;
            }
            try
            {
                return await next(context);
            }
            catch (Exception e) when (e is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
            {
                // No exception text reaches the caller (it may hold connection details); the log gets it redacted.
                AdminLog.Failed(logger, http.Request.Method, http.Request.Path.Value ?? "", redactor.Redact(e.GetType().Name + ": " + e.Message));
                if (!http.Response.HasStarted)
                {
                    await AdminErrors.WriteAsync(http.Response, 500, "The admin API failed on this request; the gateway log has the details.");
                }
                return Results.Empty;
            }
        });
        foreach (var route in routes)
        {
            admin.MapMethods(route.Pattern, [route.Method], route.Handler).WithMetadata(new AdminRule(route.Minimum));
        }
        var document = AdminOpenApi.Build(routes);
        admin.MapGet("/openapi.json", () => Results.Bytes(document, "application/json")).WithMetadata(new AdminRule(AdminRole.User));
        admin.Map("/{**rest}", (HttpContext http) => AdminErrors.WriteAsync(http.Response, 404,
            $"Unknown admin endpoint {http.Request.Method} {http.Request.Path}.", code: "unknown_url")).WithMetadata(new AdminRule(AdminRole.User));
    }

    internal static partial class AdminLog
    {
        [Microsoft.Extensions.Logging.LoggerMessage(EventId = 1301, Level = Microsoft.Extensions.Logging.LogLevel.Error, Message = "Admin request {Method} {Path} failed: {Reason}")]
        public static partial void Failed(Microsoft.Extensions.Logging.ILogger logger, string method, string path, string reason);
    }

    internal static IResult Error(int status, string message, string? param = null, string? code = null) => AdminErrors.Result(status, message, param, code);
}
