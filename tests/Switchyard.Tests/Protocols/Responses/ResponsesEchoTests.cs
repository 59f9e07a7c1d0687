using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.Responses;
using Switchyard.Providers.OpenAiResponses;
using Switchyard.Tests.Protocols.OpenAiChat;

namespace Switchyard.Tests.Protocols.Responses;

/// <summary>A converted Response echoes what the client sent where OpenAI's Response object does: metadata, store, each function tool's strict.</summary>
public sealed class ResponsesEchoTests
{
    private readonly ResponsesCodec _codec = new(OpenAiGolden.Clock());

    private static readonly ChatResponse Answer = new("r1", "m", [new TextPart("hi")], StopReason.EndTurn, new TokenUsage(1, 1, 0, 0, 0));

    private JsonElement Respond(string request)
    {
        var read = _codec.ReadRequest(OpenAiGolden.Bytes(request), out var error);
        Assert.Null(error);
        return JsonDocument.Parse(OpenAiGolden.Write(o => _codec.WriteResponse(o, Answer, read!))).RootElement;
    }

    [Fact]
    public void WriteResponse_EchoesMetadataStoreAndStrictAsSent()
    {
        var response = Respond("""
            {"model":"m","input":"hi","store":false,"metadata":{"session":"s-1","team":"core"},
             "tools":[{"type":"function","name":"a","parameters":{"type":"object"},"strict":true},{"type":"function","name":"b","parameters":{"type":"object"},"strict":false},{"type":"function","name":"c","parameters":{"type":"object"}}]}
            """);

        Assert.Equal("""{"session":"s-1","team":"core"}""", response.GetProperty("metadata").GetRawText());
        Assert.False(response.GetProperty("store").GetBoolean());
        Assert.Equal([JsonValueKind.True, JsonValueKind.False, JsonValueKind.Null], response.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("strict").ValueKind));
    }

    [Fact]
    public void WriteResponse_WhatWasNotSent_IsTheApisDefault()
    {
        var response = Respond("""{"model":"m","input":"hi"}""");

        Assert.Equal("{}", response.GetProperty("metadata").GetRawText());
        Assert.True(response.GetProperty("store").GetBoolean());
    }

    [Fact]
    public void ResponsesUpstream_GetsTheClientsStrictAndOthersAsNotStrict()
    {
        var request = new ChatRequest
        {
            Model = "m",
            Messages = [new ChatMessage(ChatRole.User, [new TextPart("hi")])],
            Tools = [new ToolDefinition("a", null, null) { Strict = true }, new ToolDefinition("b", null, null)],
        };

        var body = JsonDocument.Parse(OpenAiGolden.Write(o => new ResponsesProvider().WriteRequest(o, request, "gpt-5"))).RootElement;

        Assert.Equal([true, false], body.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("strict").GetBoolean()));
    }
}
