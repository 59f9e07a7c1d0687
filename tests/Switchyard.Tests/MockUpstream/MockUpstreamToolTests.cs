using System.Text;
using System.Text.Json;
using Switchyard.MockUpstream;

namespace Switchyard.Tests.MockUpstream;

public sealed class MockUpstreamToolTests
{
    private const string Tools = """
        "tools":[
          {"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}},
          {"type":"function","function":{"name":"get_time","parameters":{"type":"object"}}}]
        """;

    [Fact]
    public async Task ChatCompletions_WithTools_CallsFirstFunction()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await host.PostForJsonAsync("v1/chat/completions", MockUpstreamTestHost.Chat("weather?", Tools));

        var choice = body.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var message = choice.GetProperty("message");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        var call = Assert.Single(message.GetProperty("tool_calls").EnumerateArray());
        Assert.StartsWith("call_", call.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("{}", call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal(MockTokens.Count("{}") + 1, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task ChatCompletions_ToolChoiceNamesFunction_CallsThatFunction()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await host.PostForJsonAsync("v1/chat/completions", MockUpstreamTestHost.Chat("time?", Tools + ""","tool_choice":{"type":"function","function":{"name":"get_time"}}"""));

        var call = Assert.Single(body.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("get_time", call.GetProperty("function").GetProperty("name").GetString());
    }

    [Fact]
    public async Task ChatCompletions_ToolChoiceNone_RepliesWithText()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await host.PostForJsonAsync("v1/chat/completions", MockUpstreamTestHost.Chat("hi", Tools + ",\"tool_choice\":\"none\""));

        Assert.Equal("stop", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal("Hello from the mock upstream.", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task ChatCompletions_ToolArgsAndParallelDirectives_CallsTwoFunctionsWithArguments()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        const string arguments = """{"city":"Paris","days":[1,2]}""";
        var text = $"[mock:parallel_tools] [mock:tool_args={arguments}]";

        var body = await host.PostForJsonAsync("v1/chat/completions", MockUpstreamTestHost.Chat(text, Tools));

        var calls = body.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls");
        Assert.Equal(2, calls.GetArrayLength());
        Assert.Equal("get_weather", calls[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("get_time", calls[1].GetProperty("function").GetProperty("name").GetString());
        Assert.NotEqual(calls[0].GetProperty("id").GetString(), calls[1].GetProperty("id").GetString());
        Assert.Equal(arguments, calls[1].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal(2 * (MockTokens.Count(arguments) + 1), body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task ChatCompletions_LastMessageIsToolResult_RepliesWithResult()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        var request = $$$"""
            {"model":"gpt-4o",{{{Tools}}},"messages":[
              {"role":"user","content":"weather?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":[{"type":"text","text":"sunny, 21 C"}]}]}
            """;

        var body = await host.PostForJsonAsync("v1/chat/completions", request);

        var choice = body.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("Tool result received: sunny, 21 C", choice.GetProperty("message").GetProperty("content").GetString());
        var prompt = MockTokens.Count("weather?") + MockTokens.Count("sunny, 21 C") + (3 * MockTokens.PerMessageTokens);
        Assert.Equal(prompt, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Stream_ToolCall_OpensCallThenStreamsArgumentFragments()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        const string arguments = """{"city":"Paris","unit":"celsius"}""";

        var body = await host.PostForStreamAsync(MockUpstreamTestHost.Chat($"[mock:tool_args={arguments}] [mock:parallel_tools]", Tools + ",\"stream\":true"));

        var events = MockUpstreamTestHost.SplitEvents(body);
        Assert.Equal("[DONE]", events[^1]);
        var deltas = events[..^1].ConvertAll(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0]);
        var first = deltas[0].GetProperty("delta");
        Assert.Equal("assistant", first.GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("content").ValueKind);
        var opening = first.GetProperty("tool_calls")[0];
        Assert.Equal(0, opening.GetProperty("index").GetInt32());
        Assert.StartsWith("call_", opening.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("function", opening.GetProperty("type").GetString());
        Assert.Equal("get_weather", opening.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("", opening.GetProperty("function").GetProperty("arguments").GetString());

        var assembled = new Dictionary<int, StringBuilder>();
        var names = new Dictionary<int, string>();
        var fragments = 0;
        foreach (var choice in deltas[..^1])
        {
            foreach (var call in choice.GetProperty("delta").GetProperty("tool_calls").EnumerateArray())
            {
                var index = call.GetProperty("index").GetInt32();
                var function = call.GetProperty("function");
                if (call.TryGetProperty("id", out _))
                {
                    names[index] = function.GetProperty("name").GetString()!;
                    assembled[index] = new StringBuilder();
                }
                else
                {
                    Assert.False(function.TryGetProperty("name", out _));
                    fragments++;
                }

                assembled[index].Append(function.GetProperty("arguments").GetString());
            }
        }

        Assert.Equal(arguments, assembled[0].ToString());
        Assert.Equal(arguments, assembled[1].ToString());
        Assert.Equal("get_time", names[1]);
        Assert.Equal(6, fragments);
        Assert.Equal("{}", deltas[^1].GetProperty("delta").GetRawText());
        Assert.Equal("tool_calls", deltas[^1].GetProperty("finish_reason").GetString());
    }
}
