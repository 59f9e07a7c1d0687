using System.Text;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.Anthropic;
using Switchyard.Protocols.OpenAi;
using Switchyard.Providers.AnthropicMessages;
using Switchyard.Providers.OpenAiCompatible;
using Switchyard.Tests.TestSupport;
using Switchyard.Wire;
using static Switchyard.Tests.Protocols.Conversion.ConversionTestKit;

namespace Switchyard.Tests.Protocols.Conversion;

/// <summary>What the canonical model keeps across families: stop reasons, adaptive thinking, thinking tokens, tool cache markers.</summary>
public sealed class CanonicalFidelityTests
{
    private readonly AnthropicMessagesCodec _anthropic = new();
    private readonly OpenAiChatConverter _chat = new(new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_790_000_000)));

    private ChatRequest ReadAnthropic(string json)
    {
        var request = _anthropic.ReadRequest(Encoding.UTF8.GetBytes(json), out var error);
        Assert.True(error is null, error?.Message);
        return request!;
    }

    [Theory]
    [InlineData("pause_turn", StopReason.PauseTurn, "stop")]
    [InlineData("model_context_window_exceeded", StopReason.ContextWindowExceeded, "length")]
    [InlineData("refusal", StopReason.Refusal, "content_filter")]
    [InlineData("max_tokens", StopReason.MaxTokens, "length")]
    public void StopReason_FromAnthropic_KeptDistinctAndNamedBackTheSame(string anthropic, StopReason canonical, string openAi)
    {
        Assert.Equal(canonical, AnthropicMessagesProvider.StopReasonOf(anthropic));
        Assert.Equal(anthropic, AnthropicMessagesCodec.StopReasonName(canonical));
        Assert.Equal(openAi, OpenAiChatConverter.FinishReason(canonical));
    }

    [Fact]
    public void AdaptiveThinking_ReadAsAdaptive_NotAFixedBudget()
    {
        var request = ReadAnthropic("""{"model":"m","max_tokens":2000,"thinking":{"type":"adaptive"},"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal((true, true, null), (request.Thinking!.Enabled, request.Thinking.Adaptive, request.Thinking.BudgetTokens));
        Assert.Equal("medium", OpenAiCompatibleProvider.ReasoningEffort(request.Thinking));
        var anthropic = Json(Write(o => new AnthropicMessagesProvider().WriteRequest(o, request, "claude-opus-4-7")));
        Assert.Equal("""{"type":"adaptive"}""", anthropic.GetProperty("thinking").GetRawText());
        var withEffort = ReadAnthropic("""{"model":"m","max_tokens":2000,"thinking":{"type":"adaptive"},"output_config":{"effort":"low"},"messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal("low", OpenAiCompatibleProvider.ReasoningEffort(withEffort.Thinking));
    }

    [Fact]
    public void Usage_ThinkingTokensInOutputDetails_ReadAsReasoning()
    {
        Assert.True(AnthropicUsageReader.TryRead(
            """{"usage":{"input_tokens":10,"output_tokens":120,"output_tokens_details":{"thinking_tokens":100}}}"""u8, out var fields));

        Assert.Equal(new TokenUsage(10, 120, 0, 0, 100), fields.ToUsage());
    }

    [Fact]
    public void ToolCacheControl_FromChatClientAndAnthropicClient_ReachesAnthropic()
    {
        var chat = _chat.ReadRequest(Encoding.UTF8.GetBytes("""
            {"model":"c","messages":[{"role":"user","content":"hi"}],
             "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}},"cache_control":{"type":"ephemeral"}}]}
            """), out var error);
        Assert.Null(error);
        var anthropic = ReadAnthropic("""
            {"model":"c","max_tokens":10,"messages":[{"role":"user","content":"hi"}],
             "tools":[{"name":"f","input_schema":{"type":"object"},"cache_control":{"type":"ephemeral","ttl":"1h"}}]}
            """);

        foreach (var (request, expected) in new[] { (chat!, """{"type":"ephemeral"}"""), (anthropic, """{"type":"ephemeral","ttl":"1h"}""") })
        {
            var body = Json(Write(o => new AnthropicMessagesProvider().WriteRequest(o, request, "claude")));
            Assert.Equal(expected, body.GetProperty("tools")[0].GetProperty("cache_control").GetRawText());
        }
    }

    [Fact]
    public void MessagesWithoutMaxTokens_RefusedAsAnthropicDoes_CountTokensNot()
    {
        var messages = new AnthropicMessagesProtocol("messages", "messages", _anthropic);
        var count = new AnthropicMessagesProtocol("messages.count_tokens", "messages/count_tokens", _anthropic, countsTokens: true);
        var body = Encoding.UTF8.GetBytes("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Null(messages.Codec!.ReadRequest(body, out var error));
        Assert.Equal((GatewayErrorKind.InvalidRequest, 400, "max_tokens", "max_tokens: Field required"), (error!.Kind, error.Status, error.Param, error.Message));
        Assert.NotNull(count.Codec!.ReadRequest(body, out _));
    }
}
