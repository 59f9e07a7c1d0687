using System.Buffers;
using System.Text;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Protocols;

namespace Switchyard.Tests.Protocols;

public sealed class RequestEnvelopeTests
{
    private static RequestEnvelope Parse(string json)
    {
        var body = RequestEnvelope.Parse(Encoding.UTF8.GetBytes(json), "messages", null, out var error);
        Assert.Null(error);
        return body!;
    }

    private static JsonElement Rewrite(RequestEnvelope body, string model)
    {
        var output = new ArrayBufferWriter<byte>();
        body.WriteUpstreamBody(output, model);
        return JsonDocument.Parse(output.WrittenMemory).RootElement;
    }

    [Fact]
    public void WriteUpstreamBody_ReplacesModelAndKeepsEverythingElse()
    {
        using var body = Parse("""{"model":"mini","messages":[{"role":"user","content":"hé 你好"}],"temperature":0.2,"tools":[{"type":"function","function":{"name":"f"}}]}""");

        var rewritten = Rewrite(body, "gpt-4o-mini");

        Assert.Equal("gpt-4o-mini", rewritten.GetProperty("model").GetString());
        Assert.Equal("hé 你好", rewritten.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.Equal(0.2, rewritten.GetProperty("temperature").GetDouble());
        Assert.Equal("f", rewritten.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
        Assert.False(rewritten.TryGetProperty("stream_options", out _));
    }

    [Fact]
    public void WriteUpstreamBody_Stream_AlwaysAsksForUsage()
    {
        using var body = Parse("""{"model":"m","messages":[],"stream":true}""");

        var rewritten = Rewrite(body, "m");

        Assert.False(body.ClientWantsUsage);
        Assert.True(rewritten.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }

    [Fact]
    public void WriteUpstreamBody_Stream_KeepsOtherStreamOptions()
    {
        using var body = Parse("""{"model":"m","messages":[],"stream":true,"stream_options":{"include_usage":false,"include_obfuscation":false}}""");

        var options = Rewrite(body, "m").GetProperty("stream_options");

        Assert.True(options.GetProperty("include_usage").GetBoolean());
        Assert.False(options.GetProperty("include_obfuscation").GetBoolean());
    }

    [Fact]
    public void Parse_ClientAskedForUsage_IsRemembered()
    {
        using var body = Parse("""{"model":"m","messages":[],"stream":true,"stream_options":{"include_usage":true},"max_completion_tokens":50}""");

        Assert.True(body.ClientWantsUsage);
        Assert.Equal(50, body.MaxOutputTokens);
    }

    [Theory]
    [InlineData("{\"model\":\"m\",\"messages\":[}", GatewayErrorKind.MalformedJson, null)]
    [InlineData("[1,2]", GatewayErrorKind.InvalidRequest, null)]
    [InlineData("{\"messages\":[]}", GatewayErrorKind.InvalidRequest, "model")]
    [InlineData("{\"model\":\"\",\"messages\":[]}", GatewayErrorKind.InvalidRequest, "model")]
    [InlineData("{\"model\":\"m\"}", GatewayErrorKind.InvalidRequest, "messages")]
    [InlineData("{\"model\":\"m\",\"messages\":[],\"stream\":\"yes\"}", GatewayErrorKind.InvalidRequest, "stream")]
    public void Parse_BadBody_Explains(string json, GatewayErrorKind kind, string? param)
    {
        var body = RequestEnvelope.Parse(Encoding.UTF8.GetBytes(json), "messages", null, out var error);

        Assert.Null(body);
        Assert.Equal(kind, error!.Kind);
        Assert.Equal(400, error.Status);
        Assert.Equal(param, error.Param);
    }

    [Fact]
    public void Parse_MalformedJson_SaysWhere()
    {
        RequestEnvelope.Parse("{\n  \"model\": \"m\",\n  \"messages\": [,]\n}"u8.ToArray(), "messages", null, out var error);

        Assert.Contains("line 3", error!.Message);
    }

    [Fact]
    public void WriteUpstreamBody_KeepsOtherBytesExactly()
    {
        const string json = "{ \"messages\": [{\"role\":\"user\",\"content\":\"\\u00e9 1.50e3\"}], \"model\" : \"mini\", \"temperature\": 1.50, \"x_vendor\": {\"k\": [1, 2]} }";
        using var body = Parse(json);
        var output = new ArrayBufferWriter<byte>();

        body.WriteUpstreamBody(output, "gpt-4o-mini");

        Assert.Equal(json.Replace("\"mini\"", "\"gpt-4o-mini\""), Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void WriteUpstreamBody_StreamWithoutOptions_InsertsUsageOption()
    {
        using var body = Parse("""{"model":"m","messages":[],"stream":true}""");
        var output = new ArrayBufferWriter<byte>();

        body.WriteUpstreamBody(output, "up");

        Assert.Equal("""{"stream_options":{"include_usage":true},"model":"up","messages":[],"stream":true}""", Encoding.UTF8.GetString(output.WrittenSpan));
    }
}
