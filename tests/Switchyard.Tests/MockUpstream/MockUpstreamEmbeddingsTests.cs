using System.Buffers.Binary;
using System.Text.Json;
using Switchyard.MockUpstream;

namespace Switchyard.Tests.MockUpstream;

public sealed class MockUpstreamEmbeddingsTests
{
    [Fact]
    public async Task Embeddings_FloatAndBase64_CarrySameVector()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var asFloat = await host.PostForJsonAsync("v1/embeddings", """{"model":"text-embedding-3-small","input":"the quick brown fox","encoding_format":"float"}""");
        var asBase64 = await host.PostForJsonAsync("v1/embeddings", """{"model":"text-embedding-3-small","input":"the quick brown fox","encoding_format":"base64"}""");

        var floats = ReadFloats(asFloat.GetProperty("data")[0].GetProperty("embedding"));
        var decoded = DecodeBase64(asBase64.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        Assert.Equal(8, floats.Length);
        Assert.Equal(floats, decoded);
        Assert.InRange(Math.Sqrt(floats.Sum(f => (double)f * f)), 0.999, 1.001);
    }

    [Fact]
    public async Task Embeddings_StringArray_ReturnsOnePerInputWithUsage()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var body = await host.PostForJsonAsync("v1/embeddings", """{"model":"text-embedding-3-small","input":["one two","three","one two"],"dimensions":16}""");

        Assert.Equal("list", body.GetProperty("object").GetString());
        Assert.Equal("text-embedding-3-small", body.GetProperty("model").GetString());
        var data = body.GetProperty("data");
        Assert.Equal(3, data.GetArrayLength());
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("embedding", data[i].GetProperty("object").GetString());
            Assert.Equal(i, data[i].GetProperty("index").GetInt32());
            Assert.Equal(16, data[i].GetProperty("embedding").GetArrayLength());
        }

        Assert.Equal(ReadFloats(data[0].GetProperty("embedding")), ReadFloats(data[2].GetProperty("embedding")));
        Assert.NotEqual(ReadFloats(data[0].GetProperty("embedding")), ReadFloats(data[1].GetProperty("embedding")));
        var expected = MockTokens.Count("one two") + MockTokens.Count("three") + MockTokens.Count("one two");
        Assert.Equal(expected, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(expected, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Embeddings_TokenIdArrays_CountOneTokenPerId()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        var single = await host.PostForJsonAsync("v1/embeddings", """{"model":"m","input":[101,202,303]}""");
        var nested = await host.PostForJsonAsync("v1/embeddings", """{"model":"m","input":[[101,202,303],[7]]}""");

        Assert.Equal(1, single.GetProperty("data").GetArrayLength());
        Assert.Equal(3, single.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(2, nested.GetProperty("data").GetArrayLength());
        Assert.Equal(4, nested.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(ReadFloats(single.GetProperty("data")[0].GetProperty("embedding")), ReadFloats(nested.GetProperty("data")[0].GetProperty("embedding")));
    }

    [Fact]
    public async Task Embeddings_SameInputAcrossServers_Deterministic()
    {
        await using var first = await MockUpstreamTestHost.StartAsync();
        await using var second = await MockUpstreamTestHost.StartAsync();
        const string request = """{"model":"m","input":"stable"}""";

        var a = await first.PostForJsonAsync("v1/embeddings", request);
        var b = await second.PostForJsonAsync("v1/embeddings", request);

        Assert.Equal(ReadFloats(a.GetProperty("data")[0].GetProperty("embedding")), ReadFloats(b.GetProperty("data")[0].GetProperty("embedding")));
    }

    [Theory]
    [InlineData("""{"input":"x"}""", null)]
    [InlineData("""{"model":"m"}""", "input")]
    [InlineData("""{"model":"m","input":[]}""", "input")]
    [InlineData("""{"model":"m","input":"x","dimensions":0}""", "dimensions")]
    [InlineData("""{"model":"m","input":"x","encoding_format":"int8"}""", "encoding_format")]
    public async Task Embeddings_InvalidRequest_Returns400(string request, string? param)
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await host.PostAsync("v1/embeddings", request);

        var error = await MockUpstreamChatTests.ReadErrorAsync(response, 400);
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Embeddings_StatusDirectiveInInput_AnswersThatStatus()
    {
        await using var host = await MockUpstreamTestHost.StartAsync();

        using var response = await host.PostAsync("v1/embeddings", """{"model":"m","input":"[mock:status=429]"}""");

        await MockUpstreamChatTests.ReadErrorAsync(response, 429);
    }

    private static float[] ReadFloats(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetSingle())];

    private static float[] DecodeBase64(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        var floats = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < floats.Length; i++)
        {
            floats[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }

        return floats;
    }
}
