using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Switchyard.Telemetry.Metrics;

/// <summary>
/// The few protobuf wire-format writes an OTLP metrics export needs (varint, fixed64, double, string, packed
/// fixed64/double, nested messages). Nested messages are written into their own buffer first, because a field's
/// length prefix precedes its bytes; exports run every few seconds, off the request path, so that copy is cheap.
/// </summary>
public sealed class ProtobufWriter
{
    private const int Varint = 0;
    private const int Fixed64 = 1;
    private const int LengthDelimited = 2;
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public void UInt64(int field, ulong value)
    {
        Tag(field, Varint);
        WriteVarint(value);
    }

    public void Bool(int field, bool value) => UInt64(field, value ? 1UL : 0UL);

    public void Fixed(int field, ulong value)
    {
        Tag(field, Fixed64);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void Double(int field, double value) => Fixed(field, BitConverter.DoubleToUInt64Bits(value));

    public void String(int field, string value)
    {
        Tag(field, LengthDelimited);
        var length = Encoding.UTF8.GetByteCount(value);
        WriteVarint((ulong)length);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
    }

    public void PackedFixed(int field, ReadOnlySpan<long> values)
    {
        Tag(field, LengthDelimited);
        WriteVarint((ulong)values.Length * 8);
        foreach (var value in values)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value);
            _buffer.Advance(8);
        }
    }

    /// <summary>A double's wire form is its IEEE bits as a little-endian fixed64.</summary>
    public void PackedDouble(int field, ReadOnlySpan<double> values) => PackedFixed(field, MemoryMarshal.Cast<double, long>(values));

    public void Message<TState>(int field, TState state, Action<ProtobufWriter, TState> write)
    {
        var inner = new ProtobufWriter();
        write(inner, state);
        Tag(field, LengthDelimited);
        WriteVarint((ulong)inner._buffer.WrittenCount);
        _buffer.Write(inner._buffer.WrittenSpan);
    }

    private void Tag(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var length = 0;
        while (value >= 0x80)
        {
            span[length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[length++] = (byte)value;
        _buffer.Advance(length);
    }
}
