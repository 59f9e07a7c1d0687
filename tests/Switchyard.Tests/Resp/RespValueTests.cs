using Switchyard.Resp;

namespace Switchyard.Tests.Resp;

public sealed class RespValueTests
{
    [Fact]
    public void AsInt64_IntegerOrNumericString_ReturnsNumber()
    {
        Assert.Equal(-5, RespValue.Integer(-5).AsInt64());
        Assert.Equal(1234, RespValue.BulkString("1234").AsInt64());
        Assert.Equal(7, RespValue.SimpleString("7").AsInt64());
    }

    [Fact]
    public void AsInt64_NonNumeric_ThrowsNamingTheType()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RespValue.BulkString("abc").AsInt64());
        Assert.Contains("BulkString", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => RespValue.NullBulkString.AsInt64());
    }

    [Fact]
    public void Accessors_WrongType_Throw()
    {
        Assert.Throws<InvalidOperationException>(() => RespValue.Integer(1).Bytes);
        Assert.Throws<InvalidOperationException>(() => RespValue.Integer(1).Items.Length);
        Assert.Throws<InvalidOperationException>(() => RespValue.Array([]).AsString());
    }

    [Fact]
    public void Nulls_AreEmptyWhenRead()
    {
        Assert.True(RespValue.NullBulkString.Bytes.IsEmpty);
        Assert.True(RespValue.NullArray.Items.IsEmpty);
        Assert.Null(RespValue.NullBulkString.AsString());
        Assert.NotEqual(RespValue.NullBulkString, RespValue.BulkString([]));
        Assert.NotEqual(RespValue.NullArray, RespValue.Array([]));
    }

    [Fact]
    public void Equals_ComparesStructure()
    {
        var a = RespValue.Array([RespValue.BulkString("x"), RespValue.Integer(1)]);
        var b = RespValue.Array([RespValue.BulkString("x"), RespValue.Integer(1)]);

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, RespValue.Array([RespValue.BulkString("x"), RespValue.Integer(2)]));
        Assert.NotEqual(RespValue.SimpleString("x"), RespValue.Error("x"));
    }

    [Fact]
    public void ToString_ReadsLikeRedisCli()
    {
        var value = RespValue.Array([RespValue.BulkString("x"), RespValue.Integer(1), RespValue.NullBulkString, RespValue.Error("ERR no")]);

        Assert.Equal("[\"x\", (integer) 1, (nil), (error) ERR no]", value.ToString());
    }
}
