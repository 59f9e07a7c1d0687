using System.Text.Json;

namespace Switchyard.Contracts.Canonical;

/// <summary>
/// The one protocol-neutral request every client protocol is read into and every provider request is written from,
/// when the client's and the upstream's protocols differ. Anthropic's shape is the model: a top-level system prompt,
/// user/assistant turns made of typed content parts, tool results as parts of user turns.
/// </summary>
public sealed record ChatRequest
{
    public required string Model { get; init; }

    /// <summary>System prompt parts in order (OpenAI system/developer messages are hoisted here).</summary>
    public IReadOnlyList<TextPart> System { get; init; } = [];

    public required IReadOnlyList<ChatMessage> Messages { get; init; }
    public IReadOnlyList<ToolDefinition> Tools { get; init; } = [];

    /// <summary>
    /// Tools the upstream runs itself (the Responses API's web_search, file_search, …), kept as the client sent them.
    /// Before the upstream request is written the relay keeps only those the channel allows and the upstream family can
    /// run (<see cref="IProviderAdapter.CanHost"/>); the rest are left out and reported.
    /// </summary>
    public IReadOnlyList<HostedTool> HostedTools { get; init; } = [];
    public ToolChoice? ToolChoice { get; init; }
    public long? MaxTokens { get; init; }
    public IReadOnlyList<string> StopSequences { get; init; } = [];
    public double? Temperature { get; init; }
    public double? TopP { get; init; }
    public int? TopK { get; init; }

    /// <summary>End-user id (OpenAI <c>user</c>, Anthropic <c>metadata.user_id</c>).</summary>
    public string? User { get; init; }

    public ThinkingConfig? Thinking { get; init; }

    /// <summary>OpenAI <c>response_format</c> / Responses <c>text.format</c>, kept as JSON.</summary>
    public JsonElement? ResponseFormat { get; init; }

    public bool Stream { get; init; }

    /// <summary>The client's <c>metadata</c> object, which the Responses API's answer echoes; kept as JSON.</summary>
    public JsonElement? Metadata { get; init; }

    /// <summary>The client's <c>store</c> (Responses API), echoed in the answer; null when not sent.</summary>
    public bool? Store { get; init; }

    /// <summary>The client asked for usage in the stream (OpenAI <c>stream_options.include_usage</c>; always for Anthropic).</summary>
    public bool ClientWantsUsage { get; init; }
}

public enum ChatRole
{
    User,
    Assistant,
}

public sealed record ChatMessage(ChatRole Role, IReadOnlyList<ContentPart> Content);

/// <summary>
/// A function the model may call; <see cref="Parameters"/> is its JSON Schema. <see cref="Name"/> is the name the
/// upstream sees: for a tool the client offered inside a namespace, or as a freeform (custom) tool, it is a flat name
/// every upstream family accepts (<see cref="ToolNames"/>), and <see cref="Namespace"/>, <see cref="ClientName"/> and
/// <see cref="Kind"/> say how its calls go back to the client.
/// </summary>
public sealed record ToolDefinition(string Name, string? Description, JsonElement? Parameters)
{
    /// <summary>The client's <c>strict</c> (schema adherence) for the function, null when it did not say.</summary>
    public bool? Strict { get; init; }

    /// <summary>The Responses API namespace the client offered the tool in; null for a top-level tool.</summary>
    public string? Namespace { get; init; }

    /// <summary>The tool's own name as the client knows it (inside its namespace); null when it is <see cref="Name"/>.</summary>
    public string? ClientName { get; init; }

    public ToolKind Kind { get; init; } = ToolKind.Function;

    /// <summary>Anthropic's prompt-caching marker on the tool definition, kept as JSON.</summary>
    public JsonElement? CacheControl { get; init; }
}

public enum ToolKind
{
    Function,

    /// <summary>
    /// A Responses API freeform (<c>custom</c>) tool: offered upstream as a function with one string argument
    /// (<see cref="ToolNames.CustomInput"/>), its calls go back to the client as <c>custom_tool_call</c> with the raw input.
    /// </summary>
    Custom,
}

/// <summary>A tool the upstream runs itself; <see cref="Type"/> is the client's (e.g. "web_search"), <see cref="Spec"/> its whole definition.</summary>
public sealed record HostedTool(string Type, JsonElement Spec)
{
    /// <summary>The Responses API's tools that its own servers run (remote MCP included), by <c>type</c>.</summary>
    public static bool IsHosted(string type) => type is "web_search" or "web_search_preview" or "web_search_preview_2025_03_11"
        or "web_search_2025_08_26" or "file_search" or "code_interpreter" or "image_generation" or "computer_use" or "computer_use_preview" or "mcp";

    /// <summary>The web search family, whichever dated variant the client named; channels allow it as <c>web_search</c>.</summary>
    public string Kind => Type.StartsWith("web_search", StringComparison.Ordinal) ? "web_search" : Type.StartsWith("computer_use", StringComparison.Ordinal) ? "computer_use" : Type;
}

public enum ToolChoiceKind
{
    Auto,
    None,

    /// <summary>Must call some tool (OpenAI "required", Anthropic "any").</summary>
    Any,

    /// <summary>Must call <see cref="ToolChoice.Name"/>.</summary>
    Tool,
}

public sealed record ToolChoice(ToolChoiceKind Kind, string? Name = null)
{
    /// <summary>Anthropic <c>disable_parallel_tool_use</c> / OpenAI <c>parallel_tool_calls: false</c>.</summary>
    public bool DisableParallel { get; init; }
}

/// <summary>Extended thinking / reasoning. <see cref="BudgetTokens"/> from Anthropic and Gemini, <see cref="Effort"/> from OpenAI.</summary>
public sealed record ThinkingConfig(bool Enabled, long? BudgetTokens = null, string? Effort = null)
{
    /// <summary>The Responses API's <c>reasoning.summary</c> ("auto", "concise", "detailed"): whether the client wants reasoning shown.</summary>
    public string? Summary { get; init; }

    /// <summary>
    /// Anthropic's <c>thinking: {type: "adaptive"}</c>: the model decides whether and how much to think, so there is no
    /// budget; <see cref="Effort"/> holds its <c>output_config.effort</c> when the client gave one.
    /// </summary>
    public bool Adaptive { get; init; }
}
