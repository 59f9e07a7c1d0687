using Switchyard.Telemetry.Otlp;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Telemetry;

public sealed class ProtobufWriterTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(126)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(16_383)]
    [InlineData(16_384)]
    [InlineData(300_000)]
    public void Nested_messages_get_the_length_prefix_their_size_needs_whatever_it_is(int payload)
    {
        var bytes = new byte[payload];
        Random.Shared.NextBytes(bytes);
        var writer = new ProtobufWriter(8);

        var outer = writer.BeginMessage(1);
        writer.UInt64(1, 42);
        var inner = writer.BeginMessage(2);
        writer.Bytes(3, bytes);
        writer.EndMessage(inner);
        writer.String(4, "after 模型");
        writer.EndMessage(outer);
        writer.Fixed32(5, 0x301);

        var fields = Protobuf.Fields(writer.WrittenSpan.ToArray()).ToList();
        Assert.Equal([1, 5], fields.Select(f => f.Number));
        Assert.Equal(0x301UL, fields[1].Varint);
        var outerFields = Protobuf.Fields(fields[0].Bytes).ToList();
        Assert.Equal([1, 2, 4], outerFields.Select(f => f.Number));
        Assert.Equal(42UL, outerFields[0].Varint);
        Assert.Equal(bytes, Assert.Single(Protobuf.Fields(outerFields[1].Bytes)).Bytes);
        Assert.Equal("after 模型", System.Text.Encoding.UTF8.GetString(outerFields[2].Bytes));
    }

    [Fact]
    public void Negative_int64_takes_ten_bytes_and_reads_back_as_twos_complement()
    {
        var writer = new ProtobufWriter();
        writer.Int64(1, -2);

        Assert.Equal(11, writer.Length);
        Assert.Equal(-2L, (long)Assert.Single(Protobuf.Fields(writer.WrittenSpan.ToArray())).Varint);
    }

    [Fact]
    public void Reset_keeps_nothing_of_what_was_written()
    {
        var writer = new ProtobufWriter();
        writer.String(1, "first");
        writer.Reset();
        writer.String(2, "second");

        var field = Assert.Single(Protobuf.Fields(writer.WrittenSpan.ToArray()));
        Assert.Equal((2, "second"), (field.Number, System.Text.Encoding.UTF8.GetString(field.Bytes)));
    }
}
