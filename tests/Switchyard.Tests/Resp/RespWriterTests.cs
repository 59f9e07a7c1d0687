using System.Buffers;
using System.Text;
using Switchyard.Resp;

namespace Switchyard.Tests.Resp;

public sealed class RespWriterTests
{
    private static string Command(string name, params ReadOnlySpan<RedisArg> args)
    {
        var output = new ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(output, name, args);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public void WriteCommand_NoArguments_IsOneElementArray()
    {
        Assert.Equal("*1\r\n$4\r\nPING\r\n", Command("PING"));
    }

    [Fact]
    public void WriteCommand_EveryArgumentKind_IsABulkString()
    {
        var text = Command("X", "key", 42, -7L, long.MinValue, new byte[] { 1, 2 }, new ReadOnlyMemory<byte>([0x41, 0x42, 0x43], 1, 2), 1.5, double.PositiveInfinity, double.NegativeInfinity, "");

        Assert.Equal(
            "*11\r\n$1\r\nX\r\n$3\r\nkey\r\n$2\r\n42\r\n$2\r\n-7\r\n$20\r\n-9223372036854775808\r\n$2\r\n\u0001\u0002\r\n" +
            "$2\r\nBC\r\n$3\r\n1.5\r\n$4\r\n+inf\r\n$4\r\n-inf\r\n$0\r\n\r\n",
            text);
    }

    [Fact]
    public void WriteCommand_MultiByteText_CountsUtf8Bytes()
    {
        Assert.Equal("*2\r\n$3\r\nGET\r\n$7\r\nkéy✓\r\n", Command("GET", "kéy✓"));
    }

    [Fact]
    public void WriteCommand_ValueLargerThanASegment_IsWrittenWhole()
    {
        var value = new byte[100_000];
        new Random(1).NextBytes(value);
        var output = new ArrayBufferWriter<byte>();

        RespWriter.WriteCommand(output, "SET", ["k", value]);

        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        Assert.True(RespReader.TryRead(ref buffer, out var parsed));
        Assert.Equal(value, parsed[2].Bytes.ToArray());
    }

    [Fact]
    public void RedisArg_NaN_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => RedisArg.FromDouble(double.NaN));
    }

    [Fact]
    public void WriteValue_SimpleStringWithNewline_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => RespWriter.WriteValue(new ArrayBufferWriter<byte>(), RespValue.SimpleString("a\r\nb")));
    }
}
