using System.Buffers;
using System.Text;
using Switchyard.Wire;

namespace Switchyard.Tests.Protocols;

public sealed class SseFrameTests
{
    private static List<string> Frames(params string[] chunks)
    {
        // Each chunk becomes its own buffer segment, as network reads would deliver them.
        var first = new Segment(Encoding.UTF8.GetBytes(chunks[0]));
        var last = first;
        foreach (var chunk in chunks.Skip(1))
        {
            last = last.Append(Encoding.UTF8.GetBytes(chunk));
        }
        var buffer = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        var frames = new List<string>();
        while (SseFrame.TryRead(ref buffer, out var frame))
        {
            frames.Add(Encoding.UTF8.GetString(frame.ToArray()));
        }
        frames.Add("rest:" + Encoding.UTF8.GetString(buffer.ToArray()));
        return frames;
    }

    [Fact]
    public void TryRead_SplitsOnBlankLines()
    {
        Assert.Equal(["data: a", "data: b", "rest:"], Frames("data: a\n\ndata: b\n\n"));
    }

    [Fact]
    public void TryRead_FrameAcrossSegments_IsJoined()
    {
        Assert.Equal(["data: {\"x\":1}", "rest:data: par"], Frames("da", "ta: {\"x\"", ":1}\n", "\ndata: par"));
    }

    [Fact]
    public void TryRead_CrLfLineEnds_AreUnderstood()
    {
        Assert.Equal(["event: ping\r\ndata: 1", "rest:"], Frames("event: ping\r\ndata: 1\r\n\r\n"));
    }

    [Fact]
    public void TryRead_StrayBlankLines_AreSkipped()
    {
        Assert.Equal(["data: a", "rest:"], Frames("\n\ndata: a\n\n\n"));
    }

    [Fact]
    public void TryRead_IncompleteFrame_StaysInBuffer()
    {
        Assert.Equal(["rest:data: a\n"], Frames("data: a\n"));
    }

    [Theory]
    [InlineData("data: {\"a\":1}", "{\"a\":1}")]
    [InlineData("data:{\"a\":1}", "{\"a\":1}")]
    [InlineData("data: [DONE]\r", "[DONE]")]
    [InlineData("event: message\ndata: one\ndata: two", "one\ntwo")]
    [InlineData(": comment\ndata: x", "x")]
    public void Data_JoinsDataLines(string frame, string expected)
    {
        var data = SseFrame.Data(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(frame)));

        Assert.Equal(expected, Encoding.UTF8.GetString(data.Span));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }

    [Theory]
    [InlineData("event: message_start\ndata: {}", "message_start")]
    [InlineData("event:ping\r\ndata: {}", "ping")]
    [InlineData("data: {}", "")]
    public void EventName_ReadsTheEventLine(string frame, string expected)
    {
        var name = SseFrame.EventName(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(frame)));

        Assert.Equal(expected, Encoding.UTF8.GetString(name));
    }
}
