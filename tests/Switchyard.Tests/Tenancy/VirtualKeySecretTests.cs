using Switchyard.Tenancy;

namespace Switchyard.Tests.Tenancy;

public sealed class VirtualKeySecretTests
{
    [Fact]
    public void Generate_HasPrefixAndEnoughEntropy()
    {
        var keys = Enumerable.Range(0, 1000).Select(_ => VirtualKeySecret.Generate()).ToList();

        Assert.All(keys, k => Assert.StartsWith("sk-sy-", k));
        Assert.All(keys, k => Assert.Equal(6 + 43, k.Length));
        Assert.All(keys, k => Assert.Matches("^sk-sy-[A-Za-z0-9]{43}$", k));
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public void HashHex_IsSha256OfTheKey()
    {
        Assert.Equal(64, VirtualKeySecret.HashHex("sk-sy-example").Length);
        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("sk-sy-example"u8)),
            VirtualKeySecret.HashHex("sk-sy-example"));
        Assert.NotEqual(VirtualKeySecret.HashHex("sk-sy-example"), VirtualKeySecret.HashHex("sk-sy-examplf"));
    }

    [Fact]
    public void Hint_ShowsPrefixAndTailOnly()
    {
        var key = "sk-sy-ABCDefghijklmnopqrstuvwxyz0123456789WXYZ";

        var hint = VirtualKeySecret.Hint(key);

        Assert.Equal("sk-sy-ABCD...WXYZ", hint);
        Assert.DoesNotContain("efgh", hint);
    }

    [Fact]
    public void Hint_ShortSecret_RevealsNothing() => Assert.Equal("***", VirtualKeySecret.Hint("short"));
}
