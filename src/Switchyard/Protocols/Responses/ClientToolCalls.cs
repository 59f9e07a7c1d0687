using System.Text.Json;
using Switchyard.Contracts.Canonical;
using static Switchyard.Contracts.Canonical.JsonFields;

namespace Switchyard.Protocols.Responses;

/// <summary>
/// Turns an upstream's call of a flattened tool back into the call the client's tool list names: a namespaced
/// function call (<c>name</c> + <c>namespace</c>) or a <c>custom_tool_call</c> with the raw input.
/// </summary>
internal static class ClientToolCalls
{
    public static ToolDefinition? Find(ChatRequest request, string upstreamName)
    {
        foreach (var tool in request.Tools)
        {
            if (tool.Name == upstreamName)
            {
                return tool.Namespace is null && tool.ClientName is null && tool.Kind == ToolKind.Function ? null : tool;
            }
        }
        return null;
    }

    public static OutputItem Item(ChatRequest request, string id, string callId, ToolCallPart call) =>
        Find(request, call.Name) is not { } tool
            ? new FunctionCallItem(id, callId, call.Name, call.Arguments)
            : tool.Kind == ToolKind.Custom
                ? new CustomToolCallItem(id, callId, tool.ClientName ?? tool.Name, CustomInput(call.Arguments)) { Namespace = tool.Namespace }
                : new FunctionCallItem(id, callId, tool.ClientName ?? tool.Name, call.Arguments) { Namespace = tool.Namespace };

    /// <summary>The raw input out of the one-string function a freeform tool was offered as; arguments of another shape are passed as they are.</summary>
    public static string CustomInput(string arguments)
    {
        try
        {
            using var document = JsonDocument.Parse(arguments);
            if (Str(document.RootElement, ToolNames.CustomInput) is { } input)
            {
                return input;
            }
        }
        catch (JsonException)
        {
        }
        return arguments;
    }
}
