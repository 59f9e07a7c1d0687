using Microsoft.AspNetCore.Http;
using Switchyard.Configuration;
using Switchyard.Contracts.Canonical;

namespace Switchyard.Relay;

/// <summary>
/// Hosted tools (the Responses API's web_search, file_search, …) on a converted request: kept where the channel
/// allows the upstream's own equivalent (<c>hosted_tools</c>) and the family has one, otherwise left out of the
/// upstream request rather than refused, since agents such as Codex offer them by default. What was left out is named
/// in a response header and in the ledger record.
/// </summary>
internal static class HostedToolPlan
{
    public const string DroppedHeader = "x-switchyard-tools-dropped";

    public static ChatRequest Apply(ChatRequest request, ChannelConfig channel, IProviderAdapter provider, HttpResponse response, RelayContext context)
    {
        // Each attempt decides for its own channel: a retry on another family may keep what this one left out.
        response.Headers.Remove(DroppedHeader);
        context.ToolsDropped = null;
        if (request.HostedTools.Count == 0)
        {
            return request;
        }
        var kept = new List<HostedTool>();
        var dropped = new List<string>();
        foreach (var tool in request.HostedTools)
        {
            if (channel.HostedTools.Contains(tool.Kind) && provider.CanHost(tool))
            {
                kept.Add(tool);
            }
            else if (!dropped.Contains(tool.Type))
            {
                dropped.Add(tool.Type);
            }
        }
        if (dropped.Count > 0)
        {
            var names = string.Join(",", dropped);
            response.Headers[DroppedHeader] = names;
            context.ToolsDropped = names;
        }
        return request with { HostedTools = kept };
    }
}
