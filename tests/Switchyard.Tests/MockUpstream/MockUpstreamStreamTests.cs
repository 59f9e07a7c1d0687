using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Switchyard.MockUpstream;

namespace Switchyard.Tests.MockUpstream;

public sealed class MockUpstreamStreamTests
{
    private const string StreamFlag = "\"stream\":true";
    private const string WithUsage = "\"stream\":true,\"stream_options\":{\"include_usage\":true}";

    [Fact]
    public async Task Stream_WithoutUsage_FramesRoleWordsFinishAndOneDone()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await host.PostForStreamAsync(MockUpstreamTestHost.Chat("hi", StreamFlag));

        var events = MockUpstreamTestHost.SplitEvents(body);
        Assert.Equal("[DONE]", events[^1]);
        Assert.Single(events, e => e == "[DONE]");
        var chunks = events[..^1].ConvertAll(e => JsonDocument.Parse(e).RootElement);
        Assert.Equal(1 + 5 + 1, chunks.Count);
        var id = chunks[0].GetProperty("id").GetString();
        Assert.StartsWith("chatcmpl-", id, StringComparison.Ordinal);
        foreach (var chunk in chunks)
        {
            Assert.Equal(id, chunk.GetProperty("id").GetString());
            Assert.Equal("chat.completion.chunk", chunk.GetProperty("object").GetString());
            Assert.Equal("gpt-4o", chunk.GetProperty("model").GetString());
            Assert.False(chunk.TryGetProperty("usage", out _), "no usage field without include_usage");
            Assert.Single(chunk.GetProperty("choices").EnumerateArray());
        }

        Assert.Equal("""{"role":"assistant","content":"","refusal":null}""", Delta(chunks[0]).GetRawText());
        var words = new List<string>();
        for (var i = 1; i < chunks.Count - 1; i++)
        {
            words.Add(Delta(chunks[i]).GetProperty("content").GetString()!);
            Assert.Equal(JsonValueKind.Null, chunks[i].GetProperty("choices")[0].GetProperty("finish_reason").ValueKind);
        }

        Assert.Equal(["Hello", " from", " the", " mock", " upstream."], words);
        Assert.Equal("{}", Delta(chunks[^1]).GetRawText());
        Assert.Equal("stop", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Stream_IncludeUsage_EveryChunkHasNullUsageThenUsageChunk()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        const string text = "count these words [mock:reasoning=2]";

        var events = MockUpstreamTestHost.SplitEvents(await host.PostForStreamAsync(MockUpstreamTestHost.Chat(text, WithUsage)));

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].ConvertAll(e => JsonDocument.Parse(e).RootElement);
        for (var i = 0; i < chunks.Count - 1; i++)
        {
            Assert.Equal(JsonValueKind.Null, chunks[i].GetProperty("usage").ValueKind);
        }

        Assert.Equal("stop", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var last = chunks[^1];
        Assert.Equal(0, last.GetProperty("choices").GetArrayLength());
        var usage = last.GetProperty("usage");
        Assert.Equal(MockTokens.Count(text) + MockTokens.PerMessageTokens, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(5 + 2, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(2, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
    }

    [Fact]
    public async Task Stream_UsageInLastChoiceChunk_PutsUsageOnFinishChunk()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var events = MockUpstreamTestHost.SplitEvents(await host.PostForStreamAsync(MockUpstreamTestHost.Chat("[mock:usage_in_last_choice_chunk]", WithUsage)));

        var chunks = events[..^1].ConvertAll(e => JsonDocument.Parse(e).RootElement);
        var last = chunks[^1];
        Assert.Equal("stop", last.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(5, last.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.DoesNotContain(chunks, c => c.GetProperty("choices").GetArrayLength() == 0);
        Assert.Equal("[DONE]", events[^1]);
    }

    [Fact]
    public async Task Stream_ConcatenatedDeltas_EqualReplyExactly()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        const string reply = "  Leading space,   several   gaps and ünïcödé 🙂 ";

        var events = MockUpstreamTestHost.SplitEvents(await host.PostForStreamAsync(MockUpstreamTestHost.Chat($"[mock:reply={reply}]", StreamFlag)));

        var text = new StringBuilder();
        foreach (var e in events[..^1])
        {
            var delta = Delta(JsonDocument.Parse(e).RootElement);
            if (delta.TryGetProperty("content", out var content))
            {
                text.Append(content.GetString());
            }
        }

        Assert.Equal(reply, text.ToString());
        Assert.Equal(1 + MockTokens.Count(reply) + 1 + 1, events.Count);
    }

    [Fact]
    public async Task Stream_MaxTokens_StopsAtLimitWithLength()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var events = MockUpstreamTestHost.SplitEvents(await host.PostForStreamAsync(MockUpstreamTestHost.Chat("hi", StreamFlag + ",\"max_tokens\":2")));

        Assert.Equal(1 + 2 + 1 + 1, events.Count);
        Assert.Equal("length", JsonDocument.Parse(events[^2]).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Stream_NoDone_EndsWithoutDoneMarker()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var events = MockUpstreamTestHost.SplitEvents(await host.PostForStreamAsync(MockUpstreamTestHost.Chat("[mock:no_done]", WithUsage)));

        Assert.DoesNotContain("[DONE]", events);
        Assert.Equal(0, JsonDocument.Parse(events[^1]).RootElement.GetProperty("choices").GetArrayLength());
    }

    [Fact]
    public async Task Stream_CutAfter_SendsThatManyEventsThenAborts()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var response = await host.PostAsync("v1/chat/completions", MockUpstreamTestHost.Chat("[mock:cut_after=3]", StreamFlag), HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var received = new MemoryStream();

        var error = await Record.ExceptionAsync(() => stream.CopyToAsync(received));

        Assert.IsAssignableFrom<IOException>(error);
        var body = Encoding.UTF8.GetString(received.ToArray());
        var events = MockUpstreamTestHost.SplitEvents(body);
        Assert.Equal(3, events.Count);
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_CutAfterBeyondEvents_AbortsInsteadOfDone()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        using var response = await host.PostAsync("v1/chat/completions", MockUpstreamTestHost.Chat("[mock:cut_after=100]", StreamFlag), HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var received = new MemoryStream();

        var error = await Record.ExceptionAsync(() => stream.CopyToAsync(received));

        Assert.IsAssignableFrom<IOException>(error);
        Assert.Equal(7, MockUpstreamTestHost.SplitEvents(Encoding.UTF8.GetString(received.ToArray())).Count);
    }

    [Fact]
    public async Task ChatCompletions_CutAfterWithoutStream_BodyCutShort()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var error = await Record.ExceptionAsync(() => host.PostAsync("v1/chat/completions", MockUpstreamTestHost.Chat("[mock:cut_after=10]")));

        Assert.IsType<HttpRequestException>(error);
    }

    [Fact]
    public async Task Stream_ChunkDelay_SpacesEvents()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();
        var watch = Stopwatch.StartNew();

        var events = MockUpstreamTestHost.SplitEvents(await host.PostForStreamAsync(MockUpstreamTestHost.Chat("[mock:chunk_delay_ms=40] [mock:reply=a b]", StreamFlag)));

        // Four events after the first (two words, finish, [DONE]) each wait 40 ms.
        Assert.Equal(5, events.Count);
        Assert.True(watch.ElapsedMilliseconds >= 4 * 40 - 10, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Stream_Status_AnswersJsonErrorNotEvents()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await host.PostAsync("v1/chat/completions", MockUpstreamTestHost.Chat("[mock:status=503]", StreamFlag));

        var error = await MockUpstreamChatTests.ReadErrorAsync(response, 503);
        Assert.Equal("server_error", error.GetProperty("type").GetString());
    }

    private static JsonElement Delta(JsonElement chunk) => chunk.GetProperty("choices")[0].GetProperty("delta");
}
