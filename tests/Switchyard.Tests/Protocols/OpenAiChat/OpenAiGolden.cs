using System.Buffers;
using System.Text;
using Switchyard.Contracts.Canonical;
using Switchyard.Tests.TestSupport;
using Switchyard.Wire;

namespace Switchyard.Tests.Protocols.OpenAiChat;

/// <summary>Golden files under TestData/OpenAi and the plumbing to push them through codecs, adapters and streams.</summary>
internal static class OpenAiGolden
{
    /// <summary>The fixed clock every OpenAI golden file was written with.</summary>
    public const long Created = 1_790_000_000;

    public static ManualTimeProvider Clock() => new(DateTimeOffset.FromUnixTimeSeconds(Created));

    public static string Read(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "OpenAi", name)).ReplaceLineEndings("\n");

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Write(Action<IBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>Feeds an SSE transcript through a parser frame by frame, as the relay does, then ends it.</summary>
    public static List<StreamEvent> Parse(IUpstreamStreamParser parser, string transcript)
    {
        var events = new List<StreamEvent>();
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(transcript));
        while (SseFrame.TryRead(ref buffer, out var frame))
        {
            parser.OnFrame(SseFrame.EventName(frame), SseFrame.Data(frame).Span, events);
        }
        parser.OnEnd(events);
        return events;
    }

    public static string Render(IClientStreamWriter writer, IEnumerable<StreamEvent> events) => Write(output =>
    {
        foreach (var streamEvent in events)
        {
            writer.Write(streamEvent, output);
        }
    });
}
