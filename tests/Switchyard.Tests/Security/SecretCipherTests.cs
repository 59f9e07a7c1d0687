using System.Security.Cryptography;
using Switchyard.Security;

namespace Switchyard.Tests.Security;

public sealed class SecretCipherTests
{
    private const string Current = "current-secret-key-0123456789abcdef";
    private const string Old = "old-secret-key-0123456789abcdef-old";

    [Fact]
    public void Seal_Open_RoundTripsAndNeverRepeats()
    {
        var cipher = new SecretCipher(Current);
        var first = cipher.Seal("sk-live-upstream-key", "chan");
        var second = cipher.Seal("sk-live-upstream-key", "chan");

        Assert.NotEqual(first, second); // a fresh nonce each time
        Assert.DoesNotContain("sk-live", first);
        Assert.StartsWith($"v1.{cipher.CurrentKeyId}.", first);
        Assert.Equal("sk-live-upstream-key", cipher.Open(first, "chan"));
    }

    [Fact]
    public void Open_OtherOwnerOrAlteredValue_Fails()
    {
        var cipher = new SecretCipher(Current);
        var sealedValue = cipher.Seal("sk-live-upstream-key", "chan");
        var parts = sealedValue.Split('.');
        var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]);
        bytes[^1] ^= 1;
        var altered = $"{parts[0]}.{parts[1]}.{System.Buffers.Text.Base64Url.EncodeToString(bytes)}";

        Assert.ThrowsAny<CryptographicException>(() => cipher.Open(sealedValue, "other-chan"));
        Assert.ThrowsAny<CryptographicException>(() => cipher.Open(altered, "chan"));
    }

    [Fact]
    public void Rotation_PreviousKeysStillOpen_UnknownKeyNamesOnlyItsId()
    {
        var old = new SecretCipher(Old);
        var sealedValue = old.Seal("sk-live-upstream-key", "chan");
        var rotated = new SecretCipher(Current, [Old]);
        var forgotten = new SecretCipher(Current);

        Assert.Equal("sk-live-upstream-key", rotated.Open(sealedValue, "chan"));
        Assert.False(rotated.IsSealedUnderCurrent(sealedValue));
        Assert.True(rotated.IsSealedUnderCurrent(rotated.Seal("x", "chan")));
        var error = Assert.ThrowsAny<CryptographicException>(() => forgotten.Open(sealedValue, "chan"));
        Assert.Contains(old.CurrentKeyId!, error.Message);
        Assert.DoesNotContain(sealedValue.Split('.')[2], error.Message);
    }

    [Theory]
    [InlineData("sk-proj-abcdefghijklmnop1234", "sk-…1234")]
    [InlineData("AIzaSyA-abcdefghijklmnop9876", "…9876")]
    [InlineData("short", "…")]
    public void Hint_ShowsFamilyAndLastFour(string secret, string hint) => Assert.Equal(hint, SecretCipher.Hint(secret));
}
