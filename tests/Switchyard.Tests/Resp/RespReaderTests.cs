using System.Buffers;
using System.Text;
using Switchyard.Resp;

namespace Switchyard.Tests.Resp;

public sealed class RespReaderTests
{
    private static RespValue Bulk(string text) => RespValue.BulkString(text);

    private static RespValue Arr(params RespValue[] items) => RespValue.Array(items);

    private static readonly RespValue[] Corpus =
    [
        RespValue.SimpleString("OK"),
        RespValue.Error("ERR unknown command 'FOO'"),
        RespValue.Integer(0),
        RespValue.Integer(long.MinValue),
        RespValue.Integer(long.MaxValue),
        Bulk(""),
        Bulk("héllo wörld ✓"),
        RespValue.BulkString([0, 13, 10, 255, (byte)'$', (byte)'*', 13]),
        RespValue.NullBulkString,
        RespValue.NullArray,
        Arr(),
        Arr(RespValue.Integer(1), Bulk("two"), RespValue.NullBulkString, Arr(Arr(RespValue.SimpleString("deep")), RespValue.NullArray)),
        Arr(RespValue.Error("WRONGTYPE Operation against a key holding the wrong kind of value"), RespValue.Integer(-7)),
    ];

    private static byte[] Encode(params RespValue[] values)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var value in values)
        {
            RespWriter.WriteValue(output, value);
        }
        return output.WrittenSpan.ToArray();
    }

    private static List<RespValue> ReadAll(ref ReadOnlySequence<byte> buffer)
    {
        var values = new List<RespValue>();
        while (RespReader.TryRead(ref buffer, out var value))
        {
            values.Add(value);
        }
        return values;
    }

    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData("+OK\r\n", RespType.SimpleString, "OK")]
    [InlineData("+\r\n", RespType.SimpleString, "")]
    [InlineData("-ERR no such key\r\n", RespType.Error, "ERR no such key")]
    [InlineData(":1000\r\n", RespType.Integer, "1000")]
    [InlineData(":-1\r\n", RespType.Integer, "-1")]
    [InlineData("$5\r\nhello\r\n", RespType.BulkString, "hello")]
    [InlineData("$0\r\n\r\n", RespType.BulkString, "")]
    [InlineData("$4\r\na\r\nb\r\n", RespType.BulkString, "a\r\nb")]
    public void TryRead_EachScalarType_ParsesValueAndConsumesFrame(string frame, RespType type, string text)
    {
        var buffer = Bytes(frame + "+next\r\n");

        Assert.True(RespReader.TryRead(ref buffer, out var value));

        Assert.Equal(type, value.Type);
        Assert.Equal(text, value.AsString());
        Assert.False(value.IsNull);
        Assert.Equal("+next\r\n", Encoding.UTF8.GetString(buffer.ToArray()));
    }

    [Theory]
    [InlineData("$-1\r\n", RespType.BulkString)]
    [InlineData("*-1\r\n", RespType.Array)]
    public void TryRead_Nil_IsNullOfItsType(string frame, RespType type)
    {
        var buffer = Bytes(frame);

        Assert.True(RespReader.TryRead(ref buffer, out var value));

        Assert.Equal(type, value.Type);
        Assert.True(value.IsNull);
        Assert.Null(type == RespType.BulkString ? value.AsString() : null);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void TryRead_NestedArrays_KeepsStructure()
    {
        var buffer = Bytes("*3\r\n:1\r\n*2\r\n$1\r\na\r\n*0\r\n$-1\r\n");

        Assert.True(RespReader.TryRead(ref buffer, out var value));

        Assert.Equal(Arr(RespValue.Integer(1), Arr(Bulk("a"), Arr()), RespValue.NullBulkString), value);
        Assert.Equal(3, value.Items.Length);
        Assert.Equal("a", value[1][0].AsString());
        Assert.Empty(value[1][1].Items.ToArray());
    }

    [Fact]
    public void TryRead_EveryValueWrittenByWriter_RoundTrips()
    {
        var buffer = new ReadOnlySequence<byte>(Encode(Corpus));

        Assert.Equal(Corpus, ReadAll(ref buffer));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void TryRead_PrefixEndingAtEveryOffset_ReturnsOnlyCompleteFrames()
    {
        var bytes = Encode(Corpus);
        var ends = new List<int>();
        var offset = 0;
        foreach (var value in Corpus)
        {
            offset += Encode(value).Length;
            ends.Add(offset);
        }

        for (var length = 0; length <= bytes.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, length);
            var values = ReadAll(ref buffer);

            var complete = ends.Count(end => end <= length);
            Assert.Equal(Corpus.Take(complete), values);
            // An incomplete frame is left whole for the next read.
            Assert.Equal(complete == 0 ? 0 : ends[complete - 1], length - (int)buffer.Length);
        }
    }

    [Fact]
    public void TryRead_SplitIntoTwoSegmentsAtEveryOffset_ParsesTheSame()
    {
        var bytes = Encode(Corpus);

        for (var split = 0; split <= bytes.Length; split++)
        {
            var buffer = Segments(bytes[..split], bytes[split..]);

            Assert.Equal(Corpus, ReadAll(ref buffer));
            Assert.True(buffer.IsEmpty);
        }
    }

    [Fact]
    public void TryRead_FedOneByteAtATime_YieldsEachValueWhenItsLastByteArrives()
    {
        var bytes = Encode(Corpus);
        var pending = new List<byte>();
        var values = new List<RespValue>();

        foreach (var b in bytes)
        {
            pending.Add(b);
            var buffer = new ReadOnlySequence<byte>(pending.ToArray());
            var before = buffer.Length;
            values.AddRange(ReadAll(ref buffer));
            pending.RemoveRange(0, (int)(before - buffer.Length));
        }

        Assert.Equal(Corpus, values);
        Assert.Empty(pending);
    }

    [Fact]
    public void TryRead_RandomValuesInRandomSegments_RoundTrip()
    {
        var random = new Random(20261122);
        for (var round = 0; round < 300; round++)
        {
            var values = Enumerable.Range(0, random.Next(1, 8)).Select(_ => RandomValue(random, 0)).ToArray();
            var bytes = Encode(values);
            var cuts = Enumerable.Range(0, random.Next(0, 6)).Select(_ => random.Next(0, bytes.Length + 1)).Order().ToArray();
            var pieces = new List<byte[]>();
            var start = 0;
            foreach (var cut in cuts.Append(bytes.Length))
            {
                pieces.Add(bytes[start..cut]);
                start = cut;
            }
            var buffer = Segments([.. pieces]);

            Assert.Equal(values, ReadAll(ref buffer));
            Assert.True(buffer.IsEmpty);
        }
    }

    [Theory]
    [InlineData("!oops\r\n")]
    [InlineData(":12a\r\n")]
    [InlineData(":\r\n")]
    [InlineData(":+5\r\n")]
    [InlineData("$-2\r\n")]
    [InlineData("*-5\r\n")]
    [InlineData("$x\r\n")]
    [InlineData("+OK\n")]
    [InlineData("$3\r\nabcXY")]
    [InlineData(":99999999999999999999\r\n")]
    public void TryRead_MalformedFrame_ThrowsProtocolError(string frame)
    {
        Assert.Throws<RespProtocolException>(() =>
        {
            var buffer = Bytes(frame);
            RespReader.TryRead(ref buffer, out _);
        });
    }

    [Fact]
    public void TryRead_ArraysNestedTooDeep_ThrowsProtocolError()
    {
        var frame = string.Concat(Enumerable.Repeat("*1\r\n", RespReader.MaxDepth + 1)) + ":1\r\n";

        Assert.Throws<RespProtocolException>(() =>
        {
            var buffer = Bytes(frame);
            RespReader.TryRead(ref buffer, out _);
        });
    }

    [Fact]
    public void TryRead_HugeDeclaredLengthsNotYetArrived_WaitWithoutAllocating()
    {
        var bulk = Bytes("$1000000000\r\nabc");
        var array = Bytes("*1000000000\r\n:1\r\n");
        var before = GC.GetAllocatedBytesForCurrentThread();

        Assert.False(RespReader.TryRead(ref bulk, out _));
        Assert.False(RespReader.TryRead(ref array, out _));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 10_000);
        Assert.Equal(16, bulk.Length);
    }

    [Fact]
    public void TryRead_RandomGarbage_OnlyEverReportsProtocolErrors()
    {
        var random = new Random(7);
        var alphabet = "+-:$*\r\n0123456789-ab"u8.ToArray();
        for (var round = 0; round < 20_000; round++)
        {
            var bytes = new byte[random.Next(1, 24)];
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] = alphabet[random.Next(alphabet.Length)];
            }
            var buffer = new ReadOnlySequence<byte>(bytes);
            try
            {
                ReadAll(ref buffer);
            }
            catch (RespProtocolException)
            {
            }
        }
    }

    private static RespValue RandomValue(Random random, int depth)
    {
        switch (random.Next(depth > 3 ? 6 : 8))
        {
            case 0:
                return RespValue.SimpleString(RandomText(random));
            case 1:
                return RespValue.Error("ERR " + RandomText(random));
            case 2:
                return RespValue.Integer(random.NextInt64(long.MinValue, long.MaxValue));
            case 3:
                var bytes = new byte[random.Next(0, 40)];
                random.NextBytes(bytes);
                return RespValue.BulkString(bytes);
            case 4:
                return RespValue.NullBulkString;
            case 5:
                return RespValue.NullArray;
            default:
                return RespValue.Array([.. Enumerable.Range(0, random.Next(0, 5)).Select(_ => RandomValue(random, depth + 1))]);
        }
    }

    private static string RandomText(Random random) =>
        new([.. Enumerable.Range(0, random.Next(0, 12)).Select(_ => (char)random.Next('a', 'z' + 1))]);

    internal static ReadOnlySequence<byte> Segments(params byte[][] pieces)
    {
        var first = new Segment(pieces[0], 0);
        var last = first;
        foreach (var piece in pieces.Skip(1))
        {
            last = last.Append(piece);
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
