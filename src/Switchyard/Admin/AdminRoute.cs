using System.Text.Json.Serialization.Metadata;

namespace Switchyard.Admin;

/// <summary>
/// One admin endpoint: what it answers, the weakest role it admits, and what the OpenAPI document says of it.
/// The route table is the single list both the router and <c>/admin/openapi.json</c> are built from.
/// </summary>
internal sealed record AdminRoute(string Method, string Pattern, AdminRole Minimum, string Tag, string Summary, Delegate Handler)
{
    public JsonTypeInfo? RequestBody { get; init; }
    public JsonTypeInfo? Response { get; init; }
    public int SuccessStatus { get; init; } = 200;
    public string SuccessContentType { get; init; } = "application/json";
    public IReadOnlyList<(string Name, string Description)> Query { get; init; } = [];
}
