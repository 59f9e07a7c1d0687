using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Admin;

/// <summary><c>/admin/openapi.json</c> describes every admin endpoint the server maps, with schemas that resolve.</summary>
public sealed class OpenApiTests
{
    [Fact]
    public async Task Document_DescribesEveryMappedAdminEndpoint()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);

        var document = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/openapi.json", key: GatewayHarness.ClientKey);

        Assert.Equal("3.1.0", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths");
        var mapped = gateway.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.StartsWith("/admin/", StringComparison.Ordinal) && !raw.Contains("**", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Method: m.ToLowerInvariant(), Path: e.RoutePattern.RawText!)))
            .ToList();
        Assert.True(mapped.Count >= 28, $"only {mapped.Count} admin routes found");
        foreach (var (method, path) in mapped)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not in the document");
            Assert.True(item.TryGetProperty(method, out var operation), $"{method} {path} is not in the document");
            Assert.True(operation.TryGetProperty("responses", out _), $"{method} {path} has no responses");
        }
        var schemas = document.GetProperty("components").GetProperty("schemas");
        foreach (var reference in References(document))
        {
            Assert.True(Resolves(document, reference), $"{reference} does not resolve");
        }
        var userSchema = schemas.GetProperty("UserRequest").GetProperty("properties");
        Assert.True(userSchema.TryGetProperty("password", out _));
        Assert.Equal("super_admin", paths.GetProperty("/admin/channels").GetProperty("post").GetProperty("x-switchyard-min-role").GetString());
    }

    /// <summary>Follows a JSON pointer reference (<c>#/a/b</c>) from the document root.</summary>
    private static bool Resolves(JsonElement root, string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            return false;
        }
        var current = root;
        foreach (var raw in reference[2..].Split('/'))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var next))
            {
                current = next;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(segment, out var index) && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return false;
            }
        }
        return true;
    }

    private static IEnumerable<string> References(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "$ref" && property.Value.GetString() is { } value)
                {
                    yield return value;
                }
                foreach (var nested in References(property.Value))
                {
                    yield return nested;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                foreach (var nested in References(item))
                {
                    yield return nested;
                }
            }
        }
    }
}
