using System.Net;
using System.Text.Json;
using Switchyard.Configuration;
using Switchyard.Contracts.Canonical;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>
/// Multi-turn tool calling with a Gemini 3 upstream, which refuses a function call of the current turn without the
/// thoughtSignature it issued (the mock does the same, and refuses signatures it did not issue): OpenAI and Anthropic
/// clients keep it inside the call's id, and the gateway gives it back to Gemini byte for byte.
/// </summary>
public sealed class GeminiThoughtSignatureTests : IAsyncLifetime
{
    private const string Model = "gemini-3-pro-preview";

    private GatewayHarness _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(customize: WithGemini3);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private static GatewayConfig WithGemini3(GatewayConfig config)
    {
        var mockBase = new Uri(config.Channels[0].BaseUrl);
        return config with
        {
            Channels =
            [
                .. config.Channels,
                new ChannelConfig { Name = "mock-gemini3", Type = "gemini", BaseUrl = new Uri(mockBase, "/v1beta").ToString(), Keys = [GeminiChannel.UpstreamKey], Models = [Model] },
            ],
            Models = [.. config.Models, new ModelConfig { Name = Model, Price = GeminiChannel.ProPrice }],
        };
    }

    private const string Tools = """[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]""";

    private const string AnthropicTools = """[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}]""";

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, string json)
    {
        using var response = await _gateway.Http.SendAsync(_gateway.Post(path, json));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The thoughtSignature of the first functionCall part in the last request the mock got.</summary>
    private string? SignatureSentUpstream()
    {
        var sent = _gateway.Mock.Requests.Last(r => r.Path.StartsWith("/v1beta/", StringComparison.Ordinal));
        var model = JsonDocument.Parse(sent.Body).RootElement.GetProperty("contents").EnumerateArray().Single(c => c.GetProperty("role").GetString() == "model");
        return model.GetProperty("parts")[0].TryGetProperty("thoughtSignature", out var signature) ? signature.GetString() : null;
    }

    private static string SecondTurn(string id) => $$$"""
        {"model":"{{{Model}}}","tools":{{{Tools}}},"messages":[
          {"role":"user","content":"Weather in Paris?"},
          {"role":"assistant","content":null,"tool_calls":[{"id":"{{{id}}}","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
          {"role":"tool","tool_call_id":"{{{id}}}","content":"21 C"}]}
        """;

    [Fact]
    public async Task OpenAiClient_ToolCallRoundTrip_GivesGeminiItsSignatureBack()
    {
        var (status, body) = await PostAsync("/v1/chat/completions", $$"""{"model":"{{Model}}","tools":{{Tools}},"messages":[{"role":"user","content":"Weather in Paris?"}]}""");
        Assert.True(status == HttpStatusCode.OK, body);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls")[0].GetProperty("id").GetString()!;
        var (_, issued) = ToolCallIds.FromWire(id);
        Assert.False(string.IsNullOrEmpty(issued));

        var (nextStatus, next) = await PostAsync("/v1/chat/completions", SecondTurn(id));

        Assert.True(nextStatus == HttpStatusCode.OK, next);
        Assert.Equal("Tool result received: {\"output\":\"21 C\"}", JsonDocument.Parse(next).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(issued, SignatureSentUpstream());
    }

    [Fact]
    public async Task AnthropicClient_StreamedToolUseRoundTrip_GivesGeminiItsSignatureBack()
    {
        var (status, stream) = await PostAsync("/v1/messages", $$$"""
            {"model":"{{{Model}}}","max_tokens":256,"stream":true,"tools":{{{AnthropicTools}}},
             "messages":[{"role":"user","content":"Weather in Paris?"}]}
            """);
        Assert.Equal(HttpStatusCode.OK, status);
        var start = stream.Split("\n\n").Select(f => f.Split('\n').FirstOrDefault(l => l.StartsWith("data: ", StringComparison.Ordinal)))
            .Where(d => d is not null).Select(d => JsonDocument.Parse(d!["data: ".Length..]).RootElement)
            .Single(e => e.GetProperty("type").GetString() == "content_block_start" && e.GetProperty("content_block").GetProperty("type").GetString() == "tool_use");
        var id = start.GetProperty("content_block").GetProperty("id").GetString()!;
        Assert.Matches("^[a-zA-Z0-9_-]+$", id);

        var (nextStatus, next) = await PostAsync("/v1/messages", $$$"""
            {"model":"{{{Model}}}","max_tokens":256,"tools":[{"name":"get_weather","input_schema":{"type":"object"}}],"messages":[
              {"role":"user","content":"Weather in Paris?"},
              {"role":"assistant","content":[{"type":"tool_use","id":"{{{id}}}","name":"get_weather","input":{}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"{{{id}}}","content":"21 C"}]}]}
            """);

        Assert.True(nextStatus == HttpStatusCode.OK, next);
        Assert.Equal(ToolCallIds.FromWire(id).Signature, SignatureSentUpstream());
    }

    [Fact]
    public async Task CallsGeminiDidNotSign_GetGooglesStandIn_AndATamperedSignatureIsRefusedByGemini()
    {
        var (plainStatus, plain) = await PostAsync("/v1/chat/completions", SecondTurn("call_made_elsewhere"));
        Assert.True(plainStatus == HttpStatusCode.OK, plain);
        Assert.Equal("skip_thought_signature_validator", SignatureSentUpstream());

        var forged = ToolCallIds.ToWire(new ToolCallPart("call_1", "get_weather", "{}") { ThoughtSignature = "bm90IGlzc3VlZA==" });
        var (forgedStatus, refused) = await PostAsync("/v1/chat/completions", SecondTurn(forged));

        Assert.Equal(HttpStatusCode.BadRequest, forgedStatus);
        Assert.Contains("Corrupted thought signature", refused, StringComparison.Ordinal);
    }
}
