using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Switchyard.MockUpstream;

/// <summary>
/// The opaque <c>signature</c> of the mock's thinking blocks: an HMAC of the thinking text, so the mock can tell
/// a block it issued, passed back byte for byte, from one a gateway re-serialised, edited or invented.
/// </summary>
internal static class AnthropicSignatures
{
    private static readonly byte[] Key = "switchyard-mock-upstream-thinking-signature"u8.ToArray();

    public static string Compute(string thinking) =>
        Convert.ToBase64String(HMACSHA512.HashData(Key, Encoding.UTF8.GetBytes(thinking)));

    /// <summary>True when a request's thinking block carries the signature the mock issued for its text.</summary>
    public static bool IsValid(JsonElement block)
    {
        if (MockJson.String(block, "thinking") is not { } thinking || MockJson.String(block, "signature") is not { Length: > 0 } signature)
        {
            return false;
        }

        var expected = Compute(thinking);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.UTF8.GetBytes(signature));
    }
}
