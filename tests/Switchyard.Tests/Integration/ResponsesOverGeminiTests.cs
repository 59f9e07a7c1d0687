using System.Text.Json;
using OpenAI.Responses;
using Switchyard.Configuration;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Tests.TestSupport;

#pragma warning disable OPENAI001 // The Responses client is marked experimental in the SDK.

namespace Switchyard.Tests.Integration;

/// <summary>
/// The official OpenAI .NET SDK's Responses client against a Gemini 3 channel: a function call round trip (the call's
/// thoughtSignature travels in its call_id), non-stream and stream, with the ledger billing Gemini's usage exactly.
/// </summary>
public sealed class ResponsesOverGeminiTests : IAsyncLifetime
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

    private ResponsesClient Client() => _gateway.OpenAi().GetResponsesClient();

    private static FunctionTool Weather() =>
        ResponseTool.CreateFunctionTool("get_weather", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""), strictModeEnabled: false, functionDescription: "Weather for a city");

    private static CreateResponseOptions Options(IEnumerable<ResponseItem> input, bool stream) =>
        new(Model, [.. input]) { Tools = { Weather() }, StoredOutputEnabled = false, StreamingEnabled = stream };

    /// <summary>The contents the mock got in its last Gemini request.</summary>
    private JsonElement LastGeminiContents() => JsonDocument.Parse(_gateway.Mock.Requests.Last(r => r.Path.StartsWith("/v1beta/", StringComparison.Ordinal)).Body).RootElement.GetProperty("contents");

    [Fact]
    public async Task Sdk_NonStream_FunctionCallRoundTrip_OverGemini()
    {
        var question = ResponseItem.CreateUserMessageItem("Weather in Paris?");

        var first = (await Client().CreateResponseAsync(Options([question], stream: false))).Value;

        var call = Assert.IsType<FunctionCallResponseItem>(Assert.Single(first.OutputItems));
        Assert.Equal("get_weather", call.FunctionName);
        Assert.NotNull(ToolCallIds.FromWire(call.CallId).Signature);
        // Mock rule: three words and three framing tokens in; a call costs its arguments' one token and one more.
        Assert.Equal((6, 2), (first.Usage.InputTokenCount, first.Usage.OutputTokenCount));

        var second = (await Client().CreateResponseAsync(Options([question, call, ResponseItem.CreateFunctionCallOutputItem(call.CallId, "21 C")], stream: false))).Value;

        Assert.Equal("Tool result received: {\"output\":\"21 C\"}", second.GetOutputText());
        var model = LastGeminiContents()[1];
        Assert.Equal(("model", ToolCallIds.FromWire(call.CallId).Signature), (model.GetProperty("role").GetString(), model.GetProperty("parts")[0].GetProperty("thoughtSignature").GetString()));
        // The question (three words), the call (its arguments do not count) and the result object (two words),
        // three framing tokens each; the five words of the reply out.
        Assert.Equal((3 + 3 + 0 + 3 + 2 + 3, 5), (second.Usage.InputTokenCount, second.Usage.OutputTokenCount));

        var records = await _gateway.LedgerAsync(2);
        Assert.All(records, r => Assert.Equal(("responses", "mock-gemini3", 200, false), (r.Endpoint, r.Channel, r.Status, r.Stream)));
        Assert.Equal([new TokenUsage(6, 2, 0, 0, 0), new TokenUsage(14, 5, 0, 0, 0)], records.OrderBy(r => r.CreatedAt).Select(r => r.Usage));
        Assert.Equal((14 * 1.25m + 5 * 10m) / 1_000_000m, records.OrderBy(r => r.CreatedAt).Last().CostUsd);
    }

    [Fact]
    public async Task Sdk_Stream_FunctionCallRoundTrip_OverGemini()
    {
        var question = ResponseItem.CreateUserMessageItem("Weather in Paris?");
        FunctionCallResponseItem? call = null;
        ResponseResult? firstDone = null;
        string? argumentsDone = null;

        await foreach (var update in await Client().CreateResponseStreamingAsync(Options([question], stream: true)))
        {
            switch (update)
            {
                case StreamingResponseOutputItemDoneUpdate { Item: FunctionCallResponseItem item }:
                    call = item;
                    break;
                case StreamingResponseFunctionCallArgumentsDoneUpdate arguments:
                    argumentsDone = arguments.FunctionArguments.ToString();
                    break;
                case StreamingResponseCompletedUpdate completed:
                    firstDone = completed.Response;
                    break;
            }
        }

        Assert.NotNull(call);
        Assert.NotNull(firstDone);
        Assert.Equal(call.FunctionArguments.ToString(), argumentsDone);
        Assert.NotNull(ToolCallIds.FromWire(call.CallId).Signature);

        var text = new System.Text.StringBuilder();
        ResponseResult? secondDone = null;
        await foreach (var update in await Client().CreateResponseStreamingAsync(Options([question, call, ResponseItem.CreateFunctionCallOutputItem(call.CallId, "21 C")], stream: true)))
        {
            if (update is StreamingResponseOutputTextDeltaUpdate delta)
            {
                text.Append(delta.Delta);
            }
            else if (update is StreamingResponseCompletedUpdate completed)
            {
                secondDone = completed.Response;
            }
        }

        Assert.Equal("Tool result received: {\"output\":\"21 C\"}", text.ToString());
        Assert.Equal(ToolCallIds.FromWire(call.CallId).Signature, LastGeminiContents()[1].GetProperty("parts")[0].GetProperty("thoughtSignature").GetString());
        Assert.Equal((14, 5), (secondDone!.Usage.InputTokenCount, secondDone.Usage.OutputTokenCount));
        var records = (await _gateway.LedgerAsync(2)).OrderBy(r => r.CreatedAt).ToList();
        Assert.All(records, r => Assert.Equal(("responses", "mock-gemini3", 200, true), (r.Endpoint, r.Channel, r.Status, r.Stream)));
        Assert.Equal([new TokenUsage(6, 2, 0, 0, 0), new TokenUsage(14, 5, 0, 0, 0)], records.Select(r => r.Usage));
    }
}
