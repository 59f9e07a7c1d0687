using System.Text;
using System.Text.Json;

namespace Switchyard.Tests.MockUpstream;

/// <summary>One server-sent event: its <c>event:</c> name (null when absent) and its data parsed as JSON.</summary>
public sealed record SseEvent(string? Name, JsonElement Data)
{
    public string Type => Data.GetProperty("type").GetString()!;
}

/// <summary>Requests in the Anthropic, Responses and Gemini dialects against a started mock, and strict parsers for their streams.</summary>
public static class ProtocolClient
{
    public const string AnthropicVersion = "2023-06-01";

    /// <summary>Posts JSON with exactly <paramref name="headers"/> (no default Authorization).</summary>
    public static Task<HttpResponseMessage> PostAsync(
        MockUpstreamTestHost host,
        string path,
        string json,
        IEnumerable<(string Name, string Value)> headers,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var client = host.CreateClient(apiKey: null);
        return client.SendAsync(request, completion);
    }

    public static (string, string)[] AnthropicHeaders(string key = "sk-ant-test") => [("x-api-key", key), ("anthropic-version", AnthropicVersion)];

    public static Task<HttpResponseMessage> AnthropicAsync(MockUpstreamTestHost host, string json, string path = "v1/messages") =>
        PostAsync(host, path, json, AnthropicHeaders());

    public static Task<HttpResponseMessage> GeminiAsync(MockUpstreamTestHost host, string pathAndQuery, string json) =>
        PostAsync(host, pathAndQuery, json, [("x-goog-api-key", "gemini-test-key")]);

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, int status = 200)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>
    /// Splits an SSE body whose every event is <c>event: NAME\ndata: {json}\n\n</c> (or data only when
    /// <paramref name="named"/> is false), asserting that framing exactly.
    /// </summary>
    public static List<SseEvent> ParseSse(string body, bool named = true, string separator = "\n\n")
    {
        Assert.EndsWith(separator, body, StringComparison.Ordinal);
        var events = new List<SseEvent>();
        foreach (var frame in body[..^separator.Length].Split(separator))
        {
            var lines = frame.Split(separator == "\n\n" ? "\n" : "\r\n");
            Assert.Equal(named ? 2 : 1, lines.Length);
            string? name = null;
            if (named)
            {
                Assert.StartsWith("event: ", lines[0], StringComparison.Ordinal);
                name = lines[0]["event: ".Length..];
            }

            var data = lines[^1];
            Assert.StartsWith("data: ", data, StringComparison.Ordinal);
            events.Add(new SseEvent(name, JsonDocument.Parse(data["data: ".Length..]).RootElement.Clone()));
        }

        return events;
    }

    public static async Task<string> ReadStreamAsync(HttpResponseMessage response, string mediaType = "text/event-stream")
    {
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Reads a body the server aborts on purpose, returning what arrived before the abort.</summary>
    public static async Task<string> ReadUntilAbortAsync(HttpResponseMessage response)
    {
        await using var stream = await response.Content.ReadAsStreamAsync();
        var received = new MemoryStream();
        var error = await Record.ExceptionAsync(() => stream.CopyToAsync(received));
        Assert.IsAssignableFrom<IOException>(error);
        return Encoding.UTF8.GetString(received.ToArray());
    }

    public static string Json(string value) => JsonSerializer.Serialize(value, TestJson.Default.String);
}
