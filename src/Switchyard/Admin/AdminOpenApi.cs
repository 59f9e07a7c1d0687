using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;

namespace Switchyard.Admin;

/// <summary>
/// <c>GET /admin/openapi.json</c>: an OpenAPI 3.1 document built once at start from the route table, with JSON Schemas
/// exported from the same source-generated contracts the endpoints serialize with, so it cannot drift from them.
/// </summary>
internal static class AdminOpenApi
{
    public static byte[] Build(IReadOnlyList<AdminRoute> routes)
    {
        var schemas = new JsonObject();
        string Ref(JsonTypeInfo type)
        {
            var name = SchemaName(type.Type);
            if (!schemas.ContainsKey(name))
            {
                var schema = JsonSchemaExporter.GetJsonSchemaAsNode(type);
                Rebase(schema, $"#/components/schemas/{name}");
                schemas[name] = schema;
            }
            return $"#/components/schemas/{name}";
        }

        var paths = new JsonObject();
        foreach (var route in routes)
        {
            // A catch-all route value ({**target}) is one path parameter to OpenAPI.
            var path = "/admin" + route.Pattern.Replace("{**", "{", StringComparison.Ordinal);
            var item = paths[path] as JsonObject ?? new JsonObject();
            paths[path] = item;
            item[route.Method.ToLowerInvariant()] = Operation(route, Ref);
        }
        AddSessionPaths(paths, Ref);
        AddPasswordResetPath(paths, Ref);
        paths["/admin/openapi.json"] = new JsonObject
        {
            ["get"] = new JsonObject
            {
                ["tags"] = new JsonArray("meta"),
                ["summary"] = "This document.",
                ["x-switchyard-min-role"] = "user",
                ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OpenAPI 3.1 document." } },
            },
        };
        schemas["Error"] = JsonNode.Parse("""
            {"type":"object","required":["error"],"properties":{"error":{"type":"object","required":["type","message"],"properties":{
              "type":{"type":"string"},"message":{"type":"string"},"param":{"type":"string"},"code":{"type":"string"}}}}}
            """);

        var document = new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Switchyard admin API",
                ["version"] = "1",
                ["description"] = "Users, groups, keys, channels, models and prices, usage, reconciliation, alert deliveries, the request log and the audit log. "
                    + "Authenticate with 'Authorization: Bearer <master key or personal key>' or a login session cookie "
                    + "(cookie writes also need the x-csrf-token header). x-switchyard-min-role names the weakest role an endpoint admits; "
                    + "group admins act within their own group and users on their own things.",
            },
            ["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() }, new JsonObject { ["session"] = new JsonArray() }),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer" },
                    ["session"] = new JsonObject { ["type"] = "apiKey", ["in"] = "cookie", ["name"] = AdminSessions.CookieName },
                },
                ["schemas"] = schemas,
            },
        };
        return JsonSerializer.SerializeToUtf8Bytes(document, JsonNodeContext.Default.JsonObject);
    }

    /// <summary>The exporter's references are relative to its own root (<c>#/properties/…</c>); re-root them under the component.</summary>
    private static void Rebase(JsonNode? node, string root)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["$ref"] is JsonValue reference && reference.TryGetValue<string>(out var target) && target.StartsWith('#'))
                {
                    obj["$ref"] = root + target[1..];
                }
                foreach (var (_, child) in obj.ToList())
                {
                    Rebase(child, root);
                }
                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Rebase(child, root);
                }
                break;
        }
    }

    private static JsonObject Operation(AdminRoute route, Func<JsonTypeInfo, string> reference)
    {
        var parameters = new JsonArray();
        foreach (var segment in route.Pattern.Split('/'))
        {
            if (segment.StartsWith('{'))
            {
                parameters.Add(new JsonObject { ["name"] = segment.Trim('{', '}', '*'), ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
            }
        }
        foreach (var (name, description) in route.Query)
        {
            parameters.Add(new JsonObject { ["name"] = name, ["in"] = "query", ["description"] = description, ["schema"] = new JsonObject { ["type"] = "string" } });
        }
        var success = new JsonObject { ["description"] = route.SuccessStatus == 204 ? "Done." : "Success." };
        if (route.Response is { } response)
        {
            success["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = reference(response) } } };
        }
        else if (route.SuccessStatus != 204)
        {
            success["content"] = new JsonObject { [route.SuccessContentType] = new JsonObject() };
        }
        var responses = new JsonObject { [route.SuccessStatus.ToString(System.Globalization.CultureInfo.InvariantCulture)] = success };
        foreach (var (status, description) in new[] { ("400", "Invalid request."), ("401", "No or wrong credentials."), ("403", "Your role does not allow this."), ("404", "Not found."), ("409", "Conflict.") })
        {
            responses[status] = ErrorResponse(description);
        }
        var operation = new JsonObject
        {
            ["operationId"] = OperationId(route),
            ["tags"] = new JsonArray(route.Tag),
            ["summary"] = route.Summary,
            ["x-switchyard-min-role"] = RoleNames.Of(route.Minimum),
            ["parameters"] = parameters,
            ["responses"] = responses,
        };
        if (route.RequestBody is { } body)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = reference(body) } } },
            };
        }
        return operation;
    }

    private static void AddSessionPaths(JsonObject paths, Func<JsonTypeInfo, string> reference)
    {
        var view = new JsonObject { ["description"] = "The session's user, role, group and a fresh CSRF token.", ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = reference(TenancyJsonContext.Default.SessionView) } } } };
        paths["/admin/session"] = new JsonObject
        {
            ["post"] = new JsonObject
            {
                ["operationId"] = "login",
                ["tags"] = new JsonArray("session"),
                ["summary"] = "Log in with name and password; sets the sy_session cookie (HttpOnly, SameSite=Strict, Secure on HTTPS).",
                ["security"] = new JsonArray(),
                ["requestBody"] = new JsonObject { ["required"] = true, ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = reference(TenancyJsonContext.Default.SessionRequest) } } } },
                ["responses"] = new JsonObject { ["200"] = view.DeepClone(), ["401"] = ErrorResponse("Refused: the same answer for a wrong name or password, a name locked from this address and a throttled address; retry-after only while this address is held back.") },
            },
            ["get"] = new JsonObject
            {
                ["operationId"] = "getSession",
                ["tags"] = new JsonArray("session"),
                ["summary"] = "The current session, with a fresh CSRF token.",
                ["responses"] = new JsonObject { ["200"] = view.DeepClone(), ["401"] = ErrorResponse("No session.") },
            },
            ["delete"] = new JsonObject
            {
                ["operationId"] = "logout",
                ["tags"] = new JsonArray("session"),
                ["summary"] = "Log out: ends the session and clears the cookie (needs the x-csrf-token header).",
                ["responses"] = new JsonObject { ["204"] = new JsonObject { ["description"] = "Logged out." }, ["401"] = ErrorResponse("No session."), ["403"] = ErrorResponse("Missing CSRF token.") },
            },
        };
    }

    private static void AddPasswordResetPath(JsonObject paths, Func<JsonTypeInfo, string> reference)
    {
        static JsonObject Json(string schema) => new() { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = schema } } };
        paths["/admin/password-reset"] = new JsonObject
        {
            ["post"] = new JsonObject
            {
                ["operationId"] = "redeemPasswordReset",
                ["tags"] = new JsonArray("session"),
                ["summary"] = "Set a new password with the token of a reset link (POST /admin/users/{name}/reset-link); needs no other credentials. "
                    + "Ends the user's sessions and lifts a login lockout.",
                ["security"] = new JsonArray(),
                ["requestBody"] = new JsonObject { ["required"] = true, ["content"] = Json(reference(PasswordResetJsonContext.Default.PasswordResetRequest)) },
                ["responses"] = new JsonObject
                {
                    ["200"] = new JsonObject { ["description"] = "The password is set; the user signs in with it.", ["content"] = Json(reference(PasswordResetJsonContext.Default.PasswordResetView)) },
                    ["400"] = ErrorResponse("Missing token or password, or a password shorter than 12 characters (the link is not spent)."),
                    ["401"] = ErrorResponse("Refused: the same answer for a wrong, expired, used or replaced token and a throttled address; retry-after only while this address is held back."),
                },
            },
        };
    }

    private static JsonObject ErrorResponse(string description) => new()
    {
        ["description"] = description,
        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Error" } } },
    };

    private static string OperationId(AdminRoute route)
    {
        var words = route.Pattern.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(s => s.StartsWith('{') ? "By" + Capital(s.Trim('{', '}', '*')) : Capital(s));
        return route.Method.ToLowerInvariant() + string.Concat(words);
    }

    private static string Capital(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static string SchemaName(Type type) => type.IsGenericType
        ? type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] + "Of" + string.Concat(type.GetGenericArguments().Select(SchemaName))
        : type.Name;
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonObject))]
internal sealed partial class JsonNodeContext : System.Text.Json.Serialization.JsonSerializerContext;
