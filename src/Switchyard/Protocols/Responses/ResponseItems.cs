using System.Text.Json;

namespace Switchyard.Protocols.Responses;

/// <summary>One item of a Response's <c>output</c>, as the Responses API reference shapes it.</summary>
internal abstract record OutputItem(string Id)
{
    public abstract void Write(Utf8JsonWriter writer, bool done);
}

/// <summary>An assistant message with one <c>output_text</c> part.</summary>
internal sealed record MessageItem(string Id, string Text) : OutputItem(Id)
{
    public override void Write(Utf8JsonWriter writer, bool done)
    {
        writer.WriteStartObject();
        writer.WriteString("id", Id);
        writer.WriteString("type", "message");
        writer.WriteString("status", done ? "completed" : "in_progress");
        writer.WriteStartArray("content");
        if (done)
        {
            WriteOutputText(writer, Text);
        }
        writer.WriteEndArray();
        writer.WriteString("role", "assistant");
        writer.WriteEndObject();
    }

    public static void WriteOutputText(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "output_text");
        writer.WriteStartArray("annotations");
        writer.WriteEndArray();
        writer.WriteStartArray("logprobs");
        writer.WriteEndArray();
        writer.WriteString("text", text);
        writer.WriteEndObject();
    }
}

/// <summary>A call of a function tool: <see cref="CallId"/> is what the client's function_call_output answers.</summary>
internal sealed record FunctionCallItem(string Id, string CallId, string Name, string Arguments) : OutputItem(Id)
{
    /// <summary>The namespace the client offered the function in; null for a top-level function.</summary>
    public string? Namespace { get; init; }

    public override void Write(Utf8JsonWriter writer, bool done)
    {
        writer.WriteStartObject();
        writer.WriteString("id", Id);
        writer.WriteString("type", "function_call");
        writer.WriteString("status", done ? "completed" : "in_progress");
        writer.WriteString("arguments", done ? Arguments : "");
        writer.WriteString("call_id", CallId);
        if (Namespace is { } space)
        {
            writer.WriteString("namespace", space);
        }
        writer.WriteString("name", Name);
        writer.WriteEndObject();
    }
}

/// <summary>A call of a freeform (custom) tool: <see cref="Input"/> is the raw text the client's tool takes.</summary>
internal sealed record CustomToolCallItem(string Id, string CallId, string Name, string Input) : OutputItem(Id)
{
    public string? Namespace { get; init; }

    public override void Write(Utf8JsonWriter writer, bool done)
    {
        writer.WriteStartObject();
        writer.WriteString("id", Id);
        writer.WriteString("type", "custom_tool_call");
        writer.WriteString("call_id", CallId);
        if (Namespace is { } space)
        {
            writer.WriteString("namespace", space);
        }
        writer.WriteString("name", Name);
        writer.WriteString("input", done ? Input : "");
        writer.WriteEndObject();
    }
}

/// <summary>
/// Reasoning: the summary is shown only when the client asked for one (<c>reasoning.summary</c>); signed reasoning
/// travels in <c>encrypted_content</c> (see <see cref="ReasoningEnvelope"/>).
/// </summary>
internal sealed record ReasoningItem(string Id, string? Summary, string? EncryptedContent) : OutputItem(Id)
{
    public override void Write(Utf8JsonWriter writer, bool done)
    {
        writer.WriteStartObject();
        writer.WriteString("id", Id);
        writer.WriteString("type", "reasoning");
        writer.WriteStartArray("summary");
        if (done && Summary is { Length: > 0 } summary)
        {
            WriteSummaryText(writer, summary);
        }
        writer.WriteEndArray();
        if (done && EncryptedContent is { } encrypted)
        {
            writer.WriteString("encrypted_content", encrypted);
        }
        writer.WriteEndObject();
    }

    public static void WriteSummaryText(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "summary_text");
        writer.WriteString("text", text);
        writer.WriteEndObject();
    }
}
