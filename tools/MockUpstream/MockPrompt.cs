using System.Text;
using System.Text.Json;

namespace Switchyard.MockUpstream;

/// <summary>
/// What every protocol's request reader extracts for the shared decision: token count, tools, the tool
/// result to echo, limits and whether thinking was asked for. Each protocol fills it from its own wire format,
/// so <see cref="MockOutcome.Decide"/> never sees protocol details.
/// </summary>
internal sealed class MockPrompt
{
    private StringBuilder? _toolResult;

    public int PromptTokens { get; set; }
    public int? MaxTokens { get; set; }
    public string? FirstTool { get; private set; }
    public string? SecondTool { get; private set; }
    public string? ForcedTool { get; set; }
    public bool ToolChoiceNone { get; set; }

    /// <summary>The caller allows one tool call at most (Anthropic's disable_parallel_tool_use, Responses' parallel_tool_calls=false).</summary>
    public bool SingleToolOnly { get; set; }

    public bool WantsThinking { get; set; }

    /// <summary>The reply a requested JSON schema dictates (see <see cref="MockSchemaReply"/>); null for free text.</summary>
    public string? SchemaReply { get; private set; }

    public void RequireSchema(JsonElement schema) => SchemaReply = MockSchemaReply.Write(schema);
    public IReadOnlyList<string>? StopSequences { get; set; }

    /// <summary>The text of the tool result(s) that end the conversation; null when the last turn is not a tool result.</summary>
    public string? LastToolResult => _toolResult?.ToString();

    public bool WantsToolCall => FirstTool is not null && !ToolChoiceNone && _toolResult is null;

    /// <summary>Counts one message (its framing tokens); its text goes through <see cref="AddText"/>.</summary>
    public void AddMessage() => PromptTokens += MockTokens.PerMessageTokens;

    /// <summary>Counts <paramref name="text"/> and applies the directives in it.</summary>
    public void AddText(string text, MockDirectives directives)
    {
        PromptTokens += MockTokens.Count(text);
        directives.ScanText(text);
    }

    /// <summary>Counts text that is also part of the closing tool result, which the reply echoes.</summary>
    public void AddToolResultText(string text, MockDirectives directives)
    {
        AddText(text, directives);
        (_toolResult ??= new StringBuilder()).Append(text);
    }

    /// <summary>Marks the conversation as ending in a tool result even when that result has no text.</summary>
    public void MarkToolResult() => _toolResult ??= new StringBuilder();

    /// <summary>Forgets a tool result that turned out not to close the conversation (a later turn followed it).</summary>
    public void ClearToolResult() => _toolResult = null;

    private HashSet<string>? _tools;

    public bool HasTool(string name) => _tools?.Contains(name) == true;

    public void AddTool(string name)
    {
        (_tools ??= new HashSet<string>(StringComparer.Ordinal)).Add(name);
        if (FirstTool is null)
        {
            FirstTool = name;
        }
        else
        {
            SecondTool ??= name;
        }
    }
}
