using Switchyard.Resp;

namespace Switchyard.Tests.Resp;

public sealed class RedisOptionsTests
{
    private const string Secret = "s3cret-Pa55";

    [Theory]
    [InlineData("redis://localhost", "localhost", 6379, null, null, 0)]
    [InlineData("redis://127.0.0.1:56379/0", "127.0.0.1", 56379, null, null, 0)]
    [InlineData("redis://:pw@cache.internal:6380/2", "cache.internal", 6380, null, "pw", 2)]
    [InlineData("redis://gateway:pw@cache:6379/15", "cache", 6379, "gateway", "pw", 15)]
    [InlineData("REDIS://host/", "host", 6379, null, null, 0)]
    [InlineData("redis://[::1]:7000/1", "::1", 7000, null, null, 1)]
    [InlineData("redis://:p%40ss%3Aw%2Fd@host", "host", 6379, null, "p@ss:w/d", 0)]
    [InlineData("redis://:p@ss@host:1", "host", 1, null, "p@ss", 0)]
    [InlineData("redis://:a/b@host:2/3", "host", 2, null, "a/b", 3)]
    public void Parse_ValidUrl_ReadsEveryPart(string url, string host, int port, string? user, string? password, int database)
    {
        var options = RedisOptions.Parse(url);

        Assert.Equal(host, options.Host);
        Assert.Equal(port, options.Port);
        Assert.Equal(user, options.User);
        Assert.Equal(password, options.Password);
        Assert.Equal(database, options.Database);
        Assert.Equal(TimeSpan.FromSeconds(2), options.CommandTimeout);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("http://:" + Secret + "@host", "must start with redis://")]
    [InlineData("rediss://:" + Secret + "@host", "TLS")]
    [InlineData("redis://:" + Secret + "@host:notaport", "port")]
    [InlineData("redis://:" + Secret + "@host:70000", "port")]
    [InlineData("redis://:" + Secret + "@host:", "empty port")]
    [InlineData("redis://:" + Secret + "@host/db1", "database")]
    [InlineData("redis://:" + Secret + "@host/-1", "database")]
    [InlineData("redis://:" + Secret + "@:6379", "host")]
    [InlineData("redis://:" + Secret + "@host?timeout=1", "query")]
    [InlineData("redis://" + Secret + "@host", "no password")]
    [InlineData("redis://:" + Secret + "@::1:6379", "IPv6")]
    [InlineData("redis://:" + Secret + "@[::1", "IPv6")]
    public void Parse_BadUrl_ExplainsWithoutRevealingPassword(string url, string explanation)
    {
        var error = Assert.Throws<FormatException>(() => RedisOptions.Parse(url));

        Assert.Contains(explanation, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
        Assert.False(RedisOptions.TryParse(url, out _, out var message));
        Assert.Equal(error.Message, message);
    }

    [Fact]
    public void ToString_HidesPassword()
    {
        Assert.Equal("redis://:***@host:6379/0", RedisOptions.Parse($"redis://:{Secret}@host").ToString());
        Assert.Equal("redis://app:***@host:1/2", RedisOptions.Parse($"redis://app:{Secret}@host:1/2").ToString());
        Assert.Equal("redis://[::1]:6379/0", RedisOptions.Parse("redis://[::1]").ToString());
        Assert.DoesNotContain(Secret, (RedisOptions.Parse($"redis://:{Secret}@h") with { Database = 3 }).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ImpossibleSettings_Throw()
    {
        var options = RedisOptions.Parse("redis://host");

        Assert.Throws<ArgumentException>(() => (options with { CommandTimeout = TimeSpan.Zero }).Validate());
        Assert.Throws<ArgumentException>(() => (options with { CommandTimeout = TimeSpan.FromDays(2) }).Validate());
        Assert.Throws<ArgumentException>(() => (options with { Port = 0 }).Validate());
        Assert.Throws<ArgumentException>(() => (options with { User = "u" }).Validate());
        (options with { CommandTimeout = Timeout.InfiniteTimeSpan }).Validate();
    }
}
