using System.Buffers;
using System.Text;
using System.Text.Json;
using Switchyard.Contracts.Canonical;
using Switchyard.Wire;

namespace Switchyard.Tests.Protocols.Conversion;

internal static class ConversionTestKit
{
    public static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "Integration", name));

    public static string Write(Action<IBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    /// <summary>The same JSON value, ignoring whitespace and escaping differences (property order still matters).</summary>
    public static string Compact(JsonElement element) => Write(output =>
    {
        using var writer = new Utf8JsonWriter(output);
        element.WriteTo(writer);
    });

    /// <summary>Feeds an SSE transcript through a parser, frame by frame, as the relay does.</summary>
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

    public static string Render(IClientStreamWriter writer, IEnumerable<StreamEvent> events) =>
        Write(output =>
        {
            foreach (var streamEvent in events)
            {
                writer.Write(streamEvent, output);
            }
        });
}
