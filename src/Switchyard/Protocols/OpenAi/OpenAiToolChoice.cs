using System.Text.Json;
using Switchyard.Contracts.Canonical;
using static Switchyard.Contracts.Canonical.JsonFields;

namespace Switchyard.Protocols.OpenAi;

/// <summary>
/// OpenAI's <c>tool_choice</c> as Chat Completions and Responses share it: the same words, the same errors and
/// <c>parallel_tool_calls</c>. They differ only in where a named function's name and the allowed tools' names sit,
/// which each codec passes in.
/// </summary>
internal static class OpenAiToolChoice
{
    public static (ToolChoice? Choice, HashSet<string>? Allowed) Read(JsonElement root, bool parallel,
        Func<JsonElement, ToolChoice> namedFunction, Func<JsonElement, (ToolChoice Choice, HashSet<string> Allowed)> allowedTools)
    {
        ToolChoice? choice = null;
        HashSet<string>? allowed = null;
        if (root.TryGetProperty("tool_choice", out var value) && value.ValueKind != JsonValueKind.Null)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    choice = value.GetString() switch
                    {
                        "none" => new ToolChoice(ToolChoiceKind.None),
                        "auto" => new ToolChoice(ToolChoiceKind.Auto),
                        "required" => new ToolChoice(ToolChoiceKind.Any),
                        var other => throw new InvalidRequestException("tool_choice", $"Invalid value for 'tool_choice': '{other}'. Supported values are: 'none', 'auto' and 'required'."),
                    };
                    break;
                case JsonValueKind.Object:
                    switch (Str(value, "type"))
                    {
                        case "function":
                            choice = namedFunction(value);
                            break;
                        case "allowed_tools":
                            (choice, allowed) = allowedTools(value);
                            break;
                        case var type:
                            throw new InvalidRequestException("tool_choice", $"A tool_choice of type '{type}' cannot be served by this channel.");
                    }
                    break;
                default:
                    throw new InvalidRequestException("tool_choice", "Invalid type for 'tool_choice': expected a string or an object.");
            }
        }
        if (!parallel)
        {
            choice = (choice ?? new ToolChoice(ToolChoiceKind.Auto)) with { DisableParallel = true };
        }
        return (choice, allowed);
    }

    /// <summary>The mode of an <c>allowed_tools</c> choice: <c>required</c> means one of them must be called.</summary>
    public static ToolChoice AllowedMode(JsonElement spec) => new(Str(spec, "mode") == "required" ? ToolChoiceKind.Any : ToolChoiceKind.Auto);
}
