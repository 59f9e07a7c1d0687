using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Switchyard.Resp;

/// <summary>
/// Parses RESP2 replies incrementally from whatever the socket has delivered so far. A frame that is not
/// complete yet leaves the buffer untouched so the caller can wait for more bytes and try again.
/// </summary>
internal static class RespReader
{
    // Bounds a malicious or broken server: no reply line is this long, and nesting this deep would
    // only serve to exhaust the stack.
    internal const int MaxLineLength = 1024 * 1024;
    internal const int MaxDepth = 64;

    /// <summary>
    /// Reads one whole reply from the start of <paramref name="buffer"/> and slices it off. Returns false,
    /// leaving the buffer as it was, when the reply is not complete yet.
    /// </summary>
    /// <exception cref="RespProtocolException">The bytes are not RESP2; the stream cannot be resynchronised.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out RespValue value)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!TryReadValue(ref reader, 0, out value))
        {
            value = default;
            return false;
        }
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    private static bool TryReadValue(ref SequenceReader<byte> reader, int depth, out RespValue value)
    {
        value = default;
        if (!reader.TryRead(out var prefix) || !TryReadLine(ref reader, out var line))
        {
            return false;
        }
        switch (prefix)
        {
            case (byte)'+':
                value = RespValue.SimpleString(DecodeSimple(line));
                return true;
            case (byte)'-':
                value = RespValue.Error(Encoding.UTF8.GetString(line));
                return true;
            case (byte)':':
                value = RespValue.Integer(ParseInteger(line, "integer"));
                return true;
            case (byte)'$':
                return TryReadBulk(ref reader, ParseInteger(line, "bulk string length"), out value);
            case (byte)'*':
                return TryReadArray(ref reader, ParseInteger(line, "array length"), depth, out value);
            default:
                throw new RespProtocolException($"Unexpected RESP type byte 0x{prefix:X2}.");
        }
    }

    private static bool TryReadBulk(ref SequenceReader<byte> reader, long length, out RespValue value)
    {
        value = default;
        if (length == -1)
        {
            value = RespValue.NullBulkString;
            return true;
        }
        if (length < 0 || length > Array.MaxLength)
        {
            throw new RespProtocolException($"Invalid bulk string length {length}.");
        }
        // Check before allocating, so a large value arriving in pieces costs one allocation, not one per read.
        if (reader.Remaining < length + 2)
        {
            return false;
        }
        var bytes = new byte[length];
        reader.TryCopyTo(bytes);
        reader.Advance(length);
        if (!reader.IsNext("\r\n"u8, advancePast: true))
        {
            throw new RespProtocolException("A bulk string is not followed by CRLF.");
        }
        value = RespValue.BulkString(bytes);
        return true;
    }

    private static bool TryReadArray(ref SequenceReader<byte> reader, long count, int depth, out RespValue value)
    {
        value = default;
        if (count == -1)
        {
            value = RespValue.NullArray;
            return true;
        }
        if (count < 0 || count > Array.MaxLength)
        {
            throw new RespProtocolException($"Invalid array length {count}.");
        }
        if (depth >= MaxDepth)
        {
            throw new RespProtocolException($"Arrays nested deeper than {MaxDepth} levels.");
        }
        // Every element takes at least three bytes ("+\r\n"): fewer remaining means the array cannot be
        // complete, and the element array is not allocated for a frame that must be parsed again anyway.
        if (reader.Remaining < count * 3)
        {
            return false;
        }
        var items = new RespValue[count];
        for (var i = 0; i < items.Length; i++)
        {
            if (!TryReadValue(ref reader, depth + 1, out items[i]))
            {
                return false;
            }
        }
        value = RespValue.Array(items);
        return true;
    }

    private static bool TryReadLine(ref SequenceReader<byte> reader, out ReadOnlySpan<byte> line)
    {
        if (!reader.TryReadTo(out line, (byte)'\n'))
        {
            if (reader.Remaining > MaxLineLength)
            {
                throw new RespProtocolException($"A RESP line is longer than {MaxLineLength} bytes.");
            }
            return false;
        }
        if (line.Length == 0 || line[^1] != (byte)'\r')
        {
            throw new RespProtocolException("A RESP line does not end with CRLF.");
        }
        line = line[..^1];
        return true;
    }

    private static long ParseInteger(ReadOnlySpan<byte> line, string what)
    {
        if (line.Length == 0 || line[0] == (byte)'+' || !Utf8Parser.TryParse(line, out long number, out var consumed) || consumed != line.Length)
        {
            throw new RespProtocolException($"Invalid {what} in a RESP reply.");
        }
        return number;
    }

    // The common status replies reuse interned literals instead of decoding a new string each time.
    private static string DecodeSimple(ReadOnlySpan<byte> line) =>
        line.SequenceEqual("OK"u8) ? "OK"
        : line.SequenceEqual("PONG"u8) ? "PONG"
        : line.SequenceEqual("QUEUED"u8) ? "QUEUED"
        : Encoding.UTF8.GetString(line);
}
