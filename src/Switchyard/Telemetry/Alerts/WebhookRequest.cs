using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchyard.Configuration;

namespace Switchyard.Telemetry.Alerts;

/// <summary>
/// The HTTP request one alert makes to one webhook, in the webhook's format: generic JSON, a Slack incoming webhook
/// (<c>{"text":…}</c>), a Feishu custom bot (<c>{"msg_type":"text","content":{"text":…}}</c>, signed in the body) or a
/// DingTalk custom robot (<c>{"msgtype":"text","text":{"content":…}}</c>, signed in the query string).
/// </summary>
internal static class WebhookRequest
{
    public const string SignatureHeader = "x-switchyard-signature";
    public const string TimestampHeader = "x-switchyard-timestamp";

    /// <summary>Built anew for each attempt: the signed platforms refuse timestamps more than an hour old.</summary>
    public static HttpRequestMessage Create(WebhookConfig webhook, Alert alert, DateTimeOffset now)
    {
        var body = new ArrayBufferWriter<byte>(512);
        var url = webhook.Url;
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            switch (webhook.Format)
            {
                case "slack":
                    json.WriteString("text"u8, Text(alert));
                    break;
                case "feishu":
                    if (webhook.Secret is { } feishuSecret)
                    {
                        var seconds = now.ToUnixTimeSeconds();
                        json.WriteString("timestamp"u8, seconds.ToString(CultureInfo.InvariantCulture));
                        json.WriteString("sign"u8, WebhookSigning.Feishu(seconds, feishuSecret));
                    }
                    json.WriteString("msg_type"u8, "text"u8);
                    json.WriteStartObject("content"u8);
                    json.WriteString("text"u8, Text(alert));
                    json.WriteEndObject();
                    break;
                case "dingtalk":
                    if (webhook.Secret is { } dingSecret)
                    {
                        var ms = now.ToUnixTimeMilliseconds();
                        url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "timestamp=" + ms.ToString(CultureInfo.InvariantCulture)
                            + "&sign=" + Uri.EscapeDataString(WebhookSigning.DingTalk(ms, dingSecret));
                    }
                    json.WriteString("msgtype"u8, "text"u8);
                    json.WriteStartObject("text"u8);
                    json.WriteString("content"u8, Text(alert));
                    json.WriteEndObject();
                    break;
                default:
                    WriteGeneric(json, alert);
                    break;
            }
            json.WriteEndObject();
        }
        var message = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(body.WrittenSpan.ToArray()),
        };
        message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        if (webhook.Format == "generic" && webhook.Secret is { } genericSecret)
        {
            var seconds = now.ToUnixTimeSeconds();
            message.Headers.TryAddWithoutValidation(TimestampHeader, seconds.ToString(CultureInfo.InvariantCulture));
            message.Headers.TryAddWithoutValidation(SignatureHeader, "sha256=" + WebhookSigning.Generic(seconds, body.WrittenSpan, genericSecret));
        }
        return message;
    }

    /// <summary>The one-message text the chat platforms show: a headline, then one detail per line.</summary>
    public static string Text(Alert alert)
    {
        var text = new StringBuilder(256);
        text.Append("[Switchyard ").Append(alert.Severity).Append("] ").Append(alert.Event).Append(": ").Append(alert.Message);
        foreach (var (name, value) in alert.Details)
        {
            text.Append('\n').Append(name).Append(": ").Append(value);
        }
        text.Append("\ntime: ").Append(alert.Time.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        return text.ToString();
    }

    private static void WriteGeneric(Utf8JsonWriter json, Alert alert)
    {
        json.WriteString("event"u8, alert.Event);
        json.WriteString("subject"u8, alert.Subject);
        json.WriteString("severity"u8, alert.Severity);
        json.WriteString("message"u8, alert.Message);
        json.WriteString("time"u8, alert.Time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        json.WriteStartObject("details"u8);
        foreach (var (name, value) in alert.Details)
        {
            json.WriteString(name, value);
        }
        json.WriteEndObject();
    }
}
