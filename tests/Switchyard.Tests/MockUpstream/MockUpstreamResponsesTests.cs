using System.Text;
using System.Text.Json;
using Switchyard.MockUpstream;
using static Switchyard.Tests.MockUpstream.ProtocolClient;

namespace Switchyard.Tests.MockUpstream;

public sealed class MockUpstreamResponsesTests
{
    private const string Tools = "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}},{\"type\":\"function\",\"name\":\"get_time\",\"parameters\":{\"type\":\"object\"}}]";

    private static string Request(string input, string? extra = null) =>
        $$"""{"model":"gpt-5","input":{{Json(input)}}{{(extra is null ? "" : "," + extra)}}}""";

    [Fact]
    public async Task Responses_StringInput_ReturnsResponseObject()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await host.PostForJsonAsync("v1/responses", Request("Say hello", "\"instructions\":\"Be brief.\""));

        Assert.StartsWith("resp_", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("response", body.GetProperty("object").GetString());
        Assert.Equal("completed", body.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("error").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("incomplete_details").ValueKind);
        Assert.Equal("Be brief.", body.GetProperty("instructions").GetString());
        Assert.Equal("gpt-5", body.GetProperty("model").GetString());
        Assert.True(body.GetProperty("store").GetBoolean());
        Assert.Equal("""{"format":{"type":"text"}}""", body.GetProperty("text").GetRawText());
        var item = Assert.Single(body.GetProperty("output").EnumerateArray());
        Assert.Equal("message", item.GetProperty("type").GetString());
        Assert.StartsWith("msg_", item.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("completed", item.GetProperty("status").GetString());
        Assert.Equal("assistant", item.GetProperty("role").GetString());
        Assert.Equal("""{"type":"output_text","annotations":[],"logprobs":[],"text":"Hello from the mock upstream."}""", item.GetProperty("content")[0].GetRawText());
        var usage = body.GetProperty("usage");
        var prompt = 2 + 2 + (2 * MockTokens.PerMessageTokens);
        Assert.Equal(prompt, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(5, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(prompt + 5, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Responses_CachedAndReasoning_IncludedInTotalsLikeOpenAi()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        const string text = "think hard [mock:cached=2] [mock:reasoning=7]";

        var usage = (await host.PostForJsonAsync("v1/responses", Request(text))).GetProperty("usage");

        var prompt = MockTokens.Count(text) + MockTokens.PerMessageTokens;
        Assert.Equal(prompt, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(2, usage.GetProperty("input_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(5 + 7, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(7, usage.GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal(prompt + 12, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Responses_ReasoningWithSummary_ReasoningItemFirst()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await host.PostForJsonAsync("v1/responses", Request("why", "\"reasoning\":{\"effort\":\"low\",\"summary\":\"auto\"}"));

        var output = body.GetProperty("output");
        Assert.Equal(2, output.GetArrayLength());
        Assert.Equal("reasoning", output[0].GetProperty("type").GetString());
        Assert.StartsWith("rs_", output[0].GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal($$"""[{"type":"summary_text","text":"{{MockReplies.Thinking}}"}]""", output[0].GetProperty("summary").GetRawText());
        Assert.Equal("message", output[1].GetProperty("type").GetString());
        Assert.Equal("""{"effort":"low","summary":"auto"}""", body.GetProperty("reasoning").GetRawText());
        var reasoning = MockTokens.Count(MockReplies.Thinking);
        Assert.Equal(reasoning, body.GetProperty("usage").GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal(5 + reasoning, body.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task Responses_IncludeEncryptedReasoning_ReasoningItemsCarryIt_StreamedAndNot()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        const string asked = "\"store\":false,\"include\":[\"reasoning.encrypted_content\"],\"reasoning\":{\"effort\":\"low\"}";

        var body = await host.PostForJsonAsync("v1/responses", Request("why", asked));
        var plain = await host.PostForJsonAsync("v1/responses", Request("why", "\"reasoning\":{\"effort\":\"low\"}"));
        var events = await StreamAsync(host, Request("why", asked + ",\"stream\":true"));

        var item = body.GetProperty("output")[0];
        Assert.Equal("reasoning", item.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(item.GetProperty("encrypted_content").GetString()));
        Assert.False(plain.GetProperty("output")[0].TryGetProperty("encrypted_content", out _));
        var done = events.Single(e => e.Type == "response.output_item.done" && e.Data.GetProperty("item").GetProperty("type").GetString() == "reasoning");
        Assert.False(string.IsNullOrEmpty(done.Data.GetProperty("item").GetProperty("encrypted_content").GetString()));
        Assert.True(events[^1].Data.GetProperty("response").GetProperty("output")[0].TryGetProperty("encrypted_content", out _));
    }

    [Fact]
    public async Task Responses_Tools_FunctionCallItem()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await host.PostForJsonAsync("v1/responses", Request("""weather [mock:tool_args={"city":"Oslo"}]""", Tools));

        var call = Assert.Single(body.GetProperty("output").EnumerateArray());
        Assert.Equal("function_call", call.GetProperty("type").GetString());
        Assert.StartsWith("fc_", call.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("call_", call.GetProperty("call_id").GetString(), StringComparison.Ordinal);
        Assert.Equal("get_weather", call.GetProperty("name").GetString());
        Assert.Equal("""{"city":"Oslo"}""", call.GetProperty("arguments").GetString());
        Assert.Equal("completed", call.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("\"none\"", 1, "message")]
    [InlineData("{\"type\":\"function\",\"name\":\"get_time\"}", 1, "get_time")]
    [InlineData("\"auto\"", 2, "get_weather")]
    public async Task Responses_ToolChoice_SelectsCallOrMessage(string toolChoice, int expectedItems, string expected)
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await host.PostForJsonAsync("v1/responses", Request("go [mock:parallel_tools]", $"{Tools},\"tool_choice\":{toolChoice}"));

        var output = body.GetProperty("output");
        Assert.Equal(expectedItems, output.GetArrayLength());
        Assert.Equal(expected, output[0].GetProperty("type").GetString() == "message" ? "message" : output[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Responses_FunctionCallOutputLast_RepliesWithEcho()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        var request = $$$"""
            {"model":"gpt-5",{{{Tools}}},"input":[
              {"type":"message","role":"user","content":[{"type":"input_text","text":"weather?"}]},
              {"type":"reasoning","id":"rs_1","summary":[]},
              {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{}"},
              {"type":"function_call_output","call_id":"call_1","output":"rain all day"}]}
            """;

        var body = await host.PostForJsonAsync("v1/responses", request);

        var message = Assert.Single(body.GetProperty("output").EnumerateArray());
        Assert.Equal(MockReplies.ToolResultPrefix + "rain all day", message.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(1 + 3 + (3 * MockTokens.PerMessageTokens), body.GetProperty("usage").GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public async Task Responses_PreviousResponseId_ContinuesStoredConversation()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        var first = await host.PostForJsonAsync("v1/responses", Request("first turn"));
        var firstId = first.GetProperty("id").GetString();

        var second = await host.PostForJsonAsync("v1/responses", Request("second", $"\"previous_response_id\":\"{firstId}\""));

        Assert.Equal(firstId, second.GetProperty("previous_response_id").GetString());
        // The stored turn (its input and its reply) is read again, so it counts as input.
        var history = first.GetProperty("usage").GetProperty("input_tokens").GetInt32() + MockTokens.PerMessageTokens + 5;
        Assert.Equal(history + 1 + MockTokens.PerMessageTokens, second.GetProperty("usage").GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public async Task Responses_PreviousResponseIdUnknownOrNotStored_Answers400()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        var unstored = await host.PostForJsonAsync("v1/responses", Request("hi", "\"store\":false"));
        Assert.False(unstored.GetProperty("store").GetBoolean());

        foreach (var id in new[] { "resp_unknown", unstored.GetProperty("id").GetString()! })
        {
            using var response = await host.PostAsync("v1/responses", Request("again", $"\"previous_response_id\":\"{id}\""));

            var error = await MockUpstreamChatTests.ReadErrorAsync(response, 400);
            Assert.Equal($"Previous response with id '{id}' not found.", error.GetProperty("message").GetString());
            Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
            Assert.Equal("previous_response_id", error.GetProperty("param").GetString());
            Assert.Equal("previous_response_not_found", error.GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task Responses_MaxOutputTokens_IncompleteWithReason()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        var reply = string.Join(' ', Enumerable.Range(1, 20).Select(i => $"w{i}"));

        var body = await host.PostForJsonAsync("v1/responses", Request($"[mock:reply={reply}]", "\"max_output_tokens\":16"));

        Assert.Equal("incomplete", body.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", body.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal(16, body.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal("incomplete", body.GetProperty("output")[0].GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("""{"input":"hi"}""", "Missing required parameter: 'model'.", "model")]
    [InlineData("""{"model":"gpt-5","input":"hi","max_output_tokens":5}""", "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got 5 instead.", "max_output_tokens")]
    [InlineData("""{"model":"gpt-5","input":42}""", "Invalid type for 'input': expected one of a string or array of input items.", "input")]
    public async Task Responses_InvalidBody_Answers400(string request, string message, string param)
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await host.PostAsync("v1/responses", request);

        var error = await MockUpstreamChatTests.ReadErrorAsync(response, 400);
        Assert.Equal(message, error.GetProperty("message").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Responses_StatusDirective_AnswersOpenAiError()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await host.PostAsync("v1/responses", Request("[mock:status=429]"));

        Assert.Equal("rate_limit_exceeded", (await MockUpstreamChatTests.ReadErrorAsync(response, 429)).GetProperty("code").GetString());
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Stream_Text_TypedEventsWithSequenceNumbers()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var events = await StreamAsync(host, Request("hi", "\"stream\":true"));

        Assert.Equal(
            [
                "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
                .. Enumerable.Repeat("response.output_text.delta", 5),
                "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed",
            ],
            events.ConvertAll(e => e.Name!));
        for (var i = 0; i < events.Count; i++)
        {
            Assert.Equal(events[i].Name, events[i].Type);
            Assert.Equal(i, events[i].Data.GetProperty("sequence_number").GetInt32());
        }

        var created = events[0].Data.GetProperty("response");
        Assert.Equal("in_progress", created.GetProperty("status").GetString());
        Assert.Equal(0, created.GetProperty("output").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("usage").ValueKind);
        var item = events[2].Data.GetProperty("item");
        Assert.Equal("in_progress", item.GetProperty("status").GetString());
        Assert.Equal(0, item.GetProperty("content").GetArrayLength());
        var itemId = item.GetProperty("id").GetString();
        Assert.Equal("""{"type":"output_text","annotations":[],"logprobs":[],"text":""}""", events[3].Data.GetProperty("part").GetRawText());
        var text = new StringBuilder();
        foreach (var delta in events.Where(e => e.Type == "response.output_text.delta"))
        {
            Assert.Equal(itemId, delta.Data.GetProperty("item_id").GetString());
            Assert.Equal(0, delta.Data.GetProperty("output_index").GetInt32());
            Assert.Equal(0, delta.Data.GetProperty("content_index").GetInt32());
            text.Append(delta.Data.GetProperty("delta").GetString());
        }

        Assert.Equal("Hello from the mock upstream.", text.ToString());
        Assert.Equal("Hello from the mock upstream.", events[^4].Data.GetProperty("text").GetString());
        Assert.Equal("completed", events[^2].Data.GetProperty("item").GetProperty("status").GetString());
        var completed = events[^1].Data.GetProperty("response");
        Assert.Equal(created.GetProperty("id").GetString(), completed.GetProperty("id").GetString());
        Assert.Equal("completed", completed.GetProperty("status").GetString());
        Assert.Equal(5, completed.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task Stream_FunctionCall_ArgumentDeltasThenDone()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var events = await StreamAsync(host, Request("""go [mock:tool_args={"city":"Oslo","days":2}]""", $"{Tools},\"stream\":true"));

        var names = events.ConvertAll(e => e.Name!);
        Assert.Equal("response.output_item.added", names[2]);
        Assert.Equal(["response.function_call_arguments.done", "response.output_item.done", "response.completed"], names[^3..]);
        var added = events[2].Data.GetProperty("item");
        Assert.Equal("function_call", added.GetProperty("type").GetString());
        Assert.Equal("", added.GetProperty("arguments").GetString());
        var deltas = events.Where(e => e.Type == "response.function_call_arguments.delta").Select(e => e.Data.GetProperty("delta").GetString()).ToList();
        Assert.InRange(deltas.Count, 2, 4);
        Assert.Equal("""{"city":"Oslo","days":2}""", string.Concat(deltas));
        Assert.Equal("""{"city":"Oslo","days":2}""", events[^3].Data.GetProperty("arguments").GetString());
        Assert.Equal("get_weather", events[^3].Data.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Stream_ReasoningSummary_SummaryEventsBeforeMessage()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var events = await StreamAsync(host, Request("why", "\"stream\":true,\"reasoning\":{\"effort\":\"medium\",\"summary\":\"detailed\"}"));

        var names = events.ConvertAll(e => e.Name!);
        var words = MockTokens.Count(MockReplies.Thinking);
        Assert.Equal(
            [
                "response.output_item.added", "response.reasoning_summary_part.added",
                .. Enumerable.Repeat("response.reasoning_summary_text.delta", words),
                "response.reasoning_summary_text.done", "response.reasoning_summary_part.done", "response.output_item.done",
                "response.output_item.added",
            ],
            names[2..(8 + words)]);
        Assert.Equal(1, events[7 + words].Data.GetProperty("output_index").GetInt32());
    }

    [Fact]
    public async Task Stream_StreamError_EndsWithResponseFailed()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var events = await StreamAsync(host, Request("hi [mock:stream_error=server_error]", "\"stream\":true"));

        Assert.Equal("response.output_text.delta", events[^2].Name);
        Assert.Equal("response.failed", events[^1].Name);
        var failed = events[^1].Data.GetProperty("response");
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal("server_error", failed.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Stream_CutAfter_AbortsWithoutCompleted()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var response = await host.PostAsync("v1/responses", Request("[mock:cut_after=3]", "\"stream\":true"), HttpCompletionOption.ResponseHeadersRead);

        var body = await ReadUntilAbortAsync(response);

        Assert.Equal(3, ParseSse(body).Count);
        Assert.DoesNotContain("response.completed", body, StringComparison.Ordinal);
    }

    private static async Task<List<SseEvent>> StreamAsync(MockUpstreamTestHost host, string json)
    {
        using var response = await host.PostAsync("v1/responses", json, HttpCompletionOption.ResponseHeadersRead);
        var body = await ReadStreamAsync(response);
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
        return ParseSse(body);
    }
}
