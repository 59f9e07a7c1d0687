using System.Security.Cryptography;
using System.Text;

namespace Switchyard.Telemetry.Alerts;

/// <summary>
/// The signatures the chat platforms check when a robot has a signing secret. Both hash the string
/// <c>timestamp + "\n" + secret</c> with HMAC-SHA256 and send it Base64-encoded; they differ in which side is the key
/// and in the timestamp's unit.
/// </summary>
internal static class WebhookSigning
{
    /// <summary>
    /// Feishu custom bot: the HMAC key is <c>timestamp + "\n" + secret</c> and the message is empty; the timestamp is in
    /// seconds and goes, with the sign, into the JSON body.
    /// </summary>
    public static string Feishu(long unixSeconds, string secret)
    {
        var key = Encoding.UTF8.GetBytes(unixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n" + secret);
        return Convert.ToBase64String(HMACSHA256.HashData(key, Array.Empty<byte>()));
    }

    /// <summary>
    /// DingTalk custom robot: the HMAC key is the secret and the message <c>timestamp + "\n" + secret</c>; the timestamp
    /// is in milliseconds and goes, with the URL-encoded sign, into the query string.
    /// </summary>
    public static string DingTalk(long unixMilliseconds, string secret)
    {
        var message = Encoding.UTF8.GetBytes(unixMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n" + secret);
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    /// <summary>Generic receivers: hex HMAC-SHA256 of <c>timestamp + "." + body</c>, keyed by the secret.</summary>
    public static string Generic(long unixSeconds, ReadOnlySpan<byte> body, string secret)
    {
        var prefix = Encoding.UTF8.GetBytes(unixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }
}
