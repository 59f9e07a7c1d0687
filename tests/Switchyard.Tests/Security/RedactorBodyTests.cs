using System.Text;
using System.Text.Json;
using Switchyard.Security;

namespace Switchyard.Tests.Security;

/// <summary>Upstream bodies pass the redactor before a client sees them: JSON stays JSON, escapes do not hide a secret.</summary>
public sealed class RedactorBodyTests
{
    private const string Secret = "custom-upstream-secret-4711";
    private static readonly Redactor Redactor = new([], [Secret]);

    private static string Redact(string body) => Encoding.UTF8.GetString(Redactor.RedactBody(Encoding.UTF8.GetBytes(body)).Span);

    [Fact]
    public void RedactBody_SecretSpelledWithUnicodeEscapes_IsMaskedAndStaysJson()
    {
        // "\u0063ustom…" decodes to the secret: a literal search over the raw bytes would miss it.
        var body = """{"error":{"message":"you sent \u0063ustom-upstream-secret-4711","type":"invalid_request_error"}}""";

        var redacted = Redact(body);

        using var document = JsonDocument.Parse(redacted);
        var message = document.RootElement.GetProperty("error").GetProperty("message").GetString();
        Assert.Equal("you sent " + Redactor.Mask, message);
        Assert.Equal("invalid_request_error", document.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public void RedactBody_CredentialNamedField_IsMaskedWhole()
    {
        var redacted = Redact("""{"headers":{"x-api-key":"short1","Authorization":"Bearer abc"},"n":3,"ok":true,"none":null}""");

        using var document = JsonDocument.Parse(redacted);
        var headers = document.RootElement.GetProperty("headers");
        Assert.Equal(Redactor.Mask, headers.GetProperty("x-api-key").GetString());
        Assert.Equal(Redactor.Mask, headers.GetProperty("Authorization").GetString());
        Assert.Equal(3, document.RootElement.GetProperty("n").GetInt32());
    }

    [Fact]
    public void RedactBody_NothingToMask_ReturnsTheSameBytes()
    {
        var body = Encoding.UTF8.GetBytes("""{ "error": { "message": "quota exceeded" } }""");

        var redacted = Redactor.RedactBody(body);

        Assert.True(redacted.Equals(body.AsMemory()));
    }

    [Fact]
    public void RedactBody_NotJson_IsRedactedAsText()
    {
        var redacted = Redact($"<html>upstream says: Bearer abcdefghijklmnop and {Secret}</html>");

        Assert.DoesNotContain(Secret, redacted);
        Assert.DoesNotContain("abcdefghijklmnop", redacted);
        Assert.StartsWith("<html>", redacted);
    }
}
