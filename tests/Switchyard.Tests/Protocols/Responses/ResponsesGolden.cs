using Switchyard.Tests.Protocols.OpenAiChat;

namespace Switchyard.Tests.Protocols.Responses;

/// <summary>Golden files under TestData/Responses; the plumbing is the OpenAI chat tests' (same fixed clock).</summary>
internal static class ResponsesGolden
{
    public static string Read(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "Responses", name)).ReplaceLineEndings("\n");

    public static byte[] Bytes(string text) => OpenAiGolden.Bytes(text);
}
