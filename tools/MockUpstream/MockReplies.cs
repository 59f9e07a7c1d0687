namespace Switchyard.MockUpstream;

/// <summary>The mock's fixed texts, public so tests can state the replies they expect.</summary>
public static class MockReplies
{
    public const string Default = "Hello from the mock upstream.";

    /// <summary>Prefixes the tool result's text when the conversation ends with one.</summary>
    public const string ToolResultPrefix = "Tool result received: ";

    /// <summary>The visible reasoning when a request asks for thinking (Anthropic thinking, Responses reasoning summary, Gemini thoughts).</summary>
    public const string Thinking = "The mock upstream considers the request.";
}
