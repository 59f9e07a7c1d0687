using System.Text.Json;
using System.Text.Json.Serialization;
using Switchyard.Configuration;
using Switchyard.Contracts;

namespace Switchyard.Storage;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(LimitsConfig))]
[JsonSerializable(typeof(List<Contracts.Attempt>))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;

internal static class StorageJson
{
    public static string? Models(IReadOnlyList<string> models) =>
        models.Count == 0 ? null : JsonSerializer.Serialize(models.ToList(), StorageJsonContext.Default.ListString);

    public static IReadOnlyList<string> Models(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize(json, StorageJsonContext.Default.ListString) ?? [];

    public static string? Limits(LimitsConfig? limits) =>
        limits is null ? null : JsonSerializer.Serialize(limits, StorageJsonContext.Default.LimitsConfig);

    public static string? Attempts(IReadOnlyList<Contracts.Attempt>? attempts) =>
        attempts is null ? null : JsonSerializer.Serialize(attempts.ToList(), StorageJsonContext.Default.ListAttempt);

    public static IReadOnlyList<Contracts.Attempt>? Attempts(string? json) =>
        json is null ? null : JsonSerializer.Deserialize(json, StorageJsonContext.Default.ListAttempt);

    public static LimitsConfig? Limits(string? json) =>
        json is null ? null : JsonSerializer.Deserialize(json, StorageJsonContext.Default.LimitsConfig);
}
