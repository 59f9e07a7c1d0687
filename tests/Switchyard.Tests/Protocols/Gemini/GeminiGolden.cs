using System.Buffers;
using Switchyard.Contracts.Canonical;
using Switchyard.Tests.Protocols.Anthropic;

namespace Switchyard.Tests.Protocols.Gemini;

/// <summary>Golden files under TestData/Gemini; the stream and writer plumbing is <see cref="AnthropicGolden"/>'s.</summary>
internal static class GeminiGolden
{
    public static string Read(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "Gemini", name)).ReplaceLineEndings("\n");

    /// <summary>A transcript as Google frames it: every event ends in CRLF CRLF.</summary>
    public static string ReadCrlf(string name) => Read(name).Replace("\n", "\r\n", StringComparison.Ordinal);

    public static byte[] Bytes(string json) => AnthropicGolden.Bytes(json);

    public static string Write(Action<IBufferWriter<byte>> write) => AnthropicGolden.Write(write);

    public static List<StreamEvent> Parse(IUpstreamStreamParser parser, string transcript) => AnthropicGolden.Parse(parser, transcript);

    public static string Render(IClientStreamWriter writer, IEnumerable<StreamEvent> events) => AnthropicGolden.Render(writer, events);
}
