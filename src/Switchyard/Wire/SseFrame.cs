using System.Buffers;

namespace Switchyard.Wire;

/// <summary>
/// Splits a byte stream into Server-Sent Events frames (blank-line separated, LF or CRLF line ends)
/// without copying: frames are slices of the pipe's buffer, valid until the next read.
/// </summary>
public static class SseFrame
{
    /// <summary>Takes one complete frame (without its terminating blank line) off the front of <paramref name="buffer"/>.</summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame)
    {
        while (true)
        {
            var reader = new SequenceReader<byte>(buffer);
            var frameStart = reader.Position;
            var contentEnd = reader.Position;
            var found = false;
            while (reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                if (line.IsEmpty || (line.Length == 1 && line.FirstSpan[0] == (byte)'\r'))
                {
                    found = true;
                    break;
                }
                contentEnd = line.Length > 0 && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r'
                    ? line.GetPosition(line.Length - 1)
                    : line.End;
            }
            if (!found)
            {
                break;
            }
            frame = buffer.Slice(frameStart, contentEnd);
            buffer = buffer.Slice(reader.Position);
            // Stray blank lines between frames carry nothing; keep looking.
            if (!frame.IsEmpty)
            {
                return true;
            }
        }
        frame = default;
        return false;
    }

    /// <summary>
    /// The frame's data: the value of its <c>data:</c> lines joined by LF, per the SSE spec.
    /// Returns the input's own memory when the frame is a single contiguous data line.
    /// </summary>
    public static ReadOnlyMemory<byte> Data(in ReadOnlySequence<byte> frame)
    {
        if (frame.IsSingleSegment)
        {
            var span = frame.FirstSpan;
            if (span.StartsWith("data:"u8) && span.IndexOf((byte)'\n') < 0)
            {
                var start = span.Length > 5 && span[5] == (byte)' ' ? 6 : 5;
                var end = span.Length > 0 && span[^1] == (byte)'\r' ? span.Length - 1 : span.Length;
                return frame.First[start..Math.Max(start, end)];
            }
        }
        var writer = new ArrayBufferWriter<byte>();
        var reader = new SequenceReader<byte>(frame);
        var first = true;
        while (!reader.End)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                line = reader.UnreadSequence;
                reader.AdvanceToEnd();
            }
            var bytes = line.ToArray().AsSpan();
            if (bytes.Length > 0 && bytes[^1] == (byte)'\r')
            {
                bytes = bytes[..^1];
            }
            if (!bytes.StartsWith("data:"u8))
            {
                continue;
            }
            var value = bytes[5..];
            if (value.Length > 0 && value[0] == (byte)' ')
            {
                value = value[1..];
            }
            if (!first)
            {
                writer.Write("\n"u8);
            }
            writer.Write(value);
            first = false;
        }
        return writer.WrittenMemory;
    }

    /// <summary>The value of the frame's <c>event:</c> line, or empty when it has none (the SSE default, "message").</summary>
    public static ReadOnlySpan<byte> EventName(in ReadOnlySequence<byte> frame)
    {
        var span = frame.IsSingleSegment ? frame.FirstSpan : frame.ToArray();
        while (span.Length > 0)
        {
            var end = span.IndexOf((byte)'\n');
            var line = end < 0 ? span : span[..end];
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }
            if (line.StartsWith("event:"u8))
            {
                var value = line[6..];
                return value.Length > 0 && value[0] == (byte)' ' ? value[1..] : value;
            }
            if (end < 0)
            {
                break;
            }
            span = span[(end + 1)..];
        }
        return default;
    }

    /// <summary>Writes one SSE frame: an optional <c>event:</c> line, one <c>data:</c> line, a blank line.</summary>
    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        if (!eventName.IsEmpty)
        {
            output.Write("event: "u8);
            output.Write(eventName);
            output.Write("\n"u8);
        }
        output.Write("data: "u8);
        output.Write(data);
        output.Write("\n\n"u8);
    }

    public static bool IsDone(ReadOnlySpan<byte> data) => data.SequenceEqual("[DONE]"u8);

    /// <summary>
    /// Whether a frame's data can be an event of any upstream family: none (comments, keep-alives), <c>[DONE]</c>, or a
    /// JSON object. Only its two ends are looked at, so the check costs nothing per frame; the parsers and taps that read
    /// the JSON catch what this lets through.
    /// </summary>
    public static bool CanBeEvent(ReadOnlySpan<byte> data)
    {
        var trimmed = data.Trim(" \t\r\n"u8);
        return trimmed.IsEmpty || (trimmed[0] == (byte)'{' && trimmed[^1] == (byte)'}') || IsDone(trimmed);
    }
}
