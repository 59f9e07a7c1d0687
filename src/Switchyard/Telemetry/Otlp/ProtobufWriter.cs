using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Switchyard.Telemetry.Otlp;

/// <summary>
/// The few protobuf wire-format writes OTLP exports need (varint, fixed32/64, double, string, bytes, packed
/// fixed64/double, nested messages) into one growing buffer that is reused between exports. A nested message's length
/// prefix precedes its bytes, so <see cref="BeginMessage"/> reserves one byte and <see cref="EndMessage"/> moves the
/// body along when the length needs more: no buffer per nested message, which matters when each span is encoded on
/// the request that ends it.
/// </summary>
internal sealed class ProtobufWriter(int capacity = 256)
{
    private const int Varint = 0;
    private const int Fixed64 = 1;
    private const int LengthDelimited = 2;
    private const int Fixed32Wire = 5;
    private byte[] _buffer = new byte[capacity];
    private int _length;

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    /// <summary>Forgets what was written and keeps the buffer.</summary>
    public void Reset() => _length = 0;

    public void UInt64(int field, ulong value)
    {
        Tag(field, Varint);
        WriteVarint(value);
    }

    /// <summary>An <c>int64</c> field: negative values take ten bytes, as protobuf encodes them.</summary>
    public void Int64(int field, long value) => UInt64(field, unchecked((ulong)value));

    public void Bool(int field, bool value) => UInt64(field, value ? 1UL : 0UL);

    public void Fixed(int field, ulong value)
    {
        Tag(field, Fixed64);
        BinaryPrimitives.WriteUInt64LittleEndian(Grow(8), value);
        _length += 8;
    }

    public void Fixed32(int field, uint value)
    {
        Tag(field, Fixed32Wire);
        BinaryPrimitives.WriteUInt32LittleEndian(Grow(4), value);
        _length += 4;
    }

    public void Double(int field, double value) => Fixed(field, BitConverter.DoubleToUInt64Bits(value));

    public void String(int field, string value) => String(field, value, Encoding.UTF8.GetByteCount(value));

    /// <summary>A string field whose UTF-8 length the caller has already counted.</summary>
    public void String(int field, string value, int utf8Length)
    {
        Tag(field, LengthDelimited);
        WriteVarint((ulong)utf8Length);
        Encoding.UTF8.GetBytes(value, Grow(utf8Length));
        _length += utf8Length;
    }

    /// <summary>
    /// The tag and length of a length-delimited field whose <paramref name="length"/> bytes the caller writes next: for
    /// messages whose size is known in advance, which spares <see cref="EndMessage"/> its move.
    /// </summary>
    public void LengthPrefix(int field, int length)
    {
        Tag(field, LengthDelimited);
        WriteVarint((ulong)length);
    }

    /// <summary>The bytes a varint of <paramref name="value"/> takes: 1 to 10.</summary>
    public static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }
        return size;
    }

    /// <summary>One string field holding <paramref name="prefix"/> followed by <paramref name="value"/>, without joining them first.</summary>
    public void String(int field, string prefix, string value)
    {
        Tag(field, LengthDelimited);
        var prefixLength = Encoding.UTF8.GetByteCount(prefix);
        var length = prefixLength + Encoding.UTF8.GetByteCount(value);
        WriteVarint((ulong)length);
        var span = Grow(length);
        Encoding.UTF8.GetBytes(prefix, span);
        Encoding.UTF8.GetBytes(value, span[prefixLength..]);
        _length += length;
    }

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        Raw(value);
    }

    /// <summary>Bytes that are already wire format (fields encoded elsewhere).</summary>
    public void Raw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Grow(bytes.Length));
        _length += bytes.Length;
    }

    public void PackedFixed(int field, ReadOnlySpan<long> values)
    {
        Tag(field, LengthDelimited);
        WriteVarint((ulong)values.Length * 8);
        var span = Grow(values.Length * 8);
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[(i * 8)..], values[i]);
        }
        _length += values.Length * 8;
    }

    /// <summary>A double's wire form is its IEEE bits as a little-endian fixed64.</summary>
    public void PackedDouble(int field, ReadOnlySpan<double> values) => PackedFixed(field, MemoryMarshal.Cast<double, long>(values));

    /// <summary>Starts a nested message; pass what it returns to <see cref="EndMessage"/> once its fields are written.</summary>
    public int BeginMessage(int field)
    {
        Tag(field, LengthDelimited);
        Grow(1);
        _length++;
        return _length;
    }

    public void EndMessage(int start)
    {
        var bodyLength = _length - start;
        var prefix = VarintSize((ulong)bodyLength);
        if (prefix > 1)
        {
            Grow(prefix - 1);
            _buffer.AsSpan(start, bodyLength).CopyTo(_buffer.AsSpan(start + prefix - 1));
            _length += prefix - 1;
        }
        var at = start - 1;
        var value = (ulong)bodyLength;
        while (value >= 0x80)
        {
            _buffer[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[at] = (byte)value;
    }

    public void Message<TState>(int field, TState state, Action<ProtobufWriter, TState> write)
    {
        var start = BeginMessage(field);
        write(this, state);
        EndMessage(start);
    }

    private void Tag(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        var span = Grow(10);
        var length = 0;
        while (value >= 0x80)
        {
            span[length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[length++] = (byte)value;
        _length += length;
    }

    /// <summary>Room for <paramref name="count"/> more bytes after what is written, returned as the span to fill.</summary>
    private Span<byte> Grow(int count)
    {
        if (_buffer.Length - _length < count)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }
        return _buffer.AsSpan(_length, count);
    }
}
