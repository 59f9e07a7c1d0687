using System.Text.Json.Serialization;

namespace Switchyard.Telemetry.Alerts;

/// <summary>
/// What became of one alert at one webhook. <see cref="Status"/>: <c>delivered</c> (a 2xx, and for Feishu and
/// DingTalk a zero code in the answer), <c>failed</c> (attempts ran out or the receiver refused),
/// <c>suppressed</c> (the same event about the same subject went to this webhook less than <c>min_interval</c> ago).
/// </summary>
public sealed record AlertDelivery(string Id, DateTimeOffset Time, string Event, string Subject, string Webhook, string Status, int Attempts,
    int? HttpStatus, string? LastError, string Message);

public sealed record AlertDeliveryList(IReadOnlyList<AlertDelivery> Data);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(AlertDeliveryList))]
public sealed partial class AlertJson : JsonSerializerContext;
