using System.Text.Json;

namespace Switchyard.Telemetry.Alerts;

/// <summary>
/// Reads the refusals that come with a 200: Feishu answers <c>{"code":19021,"msg":"sign match fail…"}</c> and DingTalk
/// <c>{"errcode":310000,"errmsg":"sign not match…"}</c>; code 0 is success. Other formats trust the status.
/// </summary>
internal static class WebhookAnswer
{
    public static string? RefusalIn(string format, string body)
    {
        var field = format switch
        {
            "feishu" => ("code", "msg"),
            "dingtalk" => ("errcode", "errmsg"),
            _ => default,
        };
        if (field == default || body.Length == 0)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty(field.Item1, out var code)
                && code.ValueKind == JsonValueKind.Number && code.TryGetInt64(out var value) && value != 0)
            {
                var message = root.TryGetProperty(field.Item2, out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
                return $"refused with {field.Item1} {value}" + (message is null ? "" : ": " + message);
            }
        }
        catch (JsonException)
        {
            // Not JSON: a proxy's page; the 2xx is all there is to go on.
        }
        return null;
    }
}
