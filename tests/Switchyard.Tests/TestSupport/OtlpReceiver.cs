using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchyard.Tests.TestSupport;

/// <summary>
/// An OTLP/HTTP (protobuf) collector on a loopback port: keeps every export body and decodes spans with a minimal
/// protobuf reader (the fields of opentelemetry/proto/trace/v1/trace.proto the tests look at).
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }
    public ConcurrentQueue<byte[]> Traces { get; } = new();
    public ConcurrentQueue<byte[]> Metrics { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        OtlpReceiver? receiver = null;
        app.MapPost("/v1/{signal}", async (HttpContext http, string signal) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            (signal == "traces" ? receiver!.Traces : receiver!.Metrics).Enqueue(buffer.ToArray());
            http.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new OtlpReceiver(app, new Uri(bound));
        return receiver;
    }

    public IReadOnlyList<OtlpSpan> Spans()
    {
        var spans = new List<OtlpSpan>();
        foreach (var body in Traces)
        {
            foreach (var resourceSpans in Protobuf.Fields(body).Where(f => f.Number == 1))
            {
                foreach (var scopeSpans in Protobuf.Fields(resourceSpans.Bytes).Where(f => f.Number == 2))
                {
                    foreach (var span in Protobuf.Fields(scopeSpans.Bytes).Where(f => f.Number == 2))
                    {
                        spans.Add(OtlpSpan.Read(span.Bytes));
                    }
                }
            }
        }
        return spans;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record OtlpSpan(string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, object> Attributes)
{
    public static OtlpSpan Read(byte[] span)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
        var attributes = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var field in Protobuf.Fields(span))
        {
            switch (field.Number)
            {
                case 1: traceId = Convert.ToHexStringLower(field.Bytes); break;
                case 2: spanId = Convert.ToHexStringLower(field.Bytes); break;
                case 4: parent = Convert.ToHexStringLower(field.Bytes); break;
                case 5: name = System.Text.Encoding.UTF8.GetString(field.Bytes); break;
                case 6: kind = (int)field.Varint; break;
                case 9:
                    var (key, value) = ReadKeyValue(field.Bytes);
                    attributes[key] = value;
                    break;
            }
        }
        return new OtlpSpan(traceId, spanId, parent, name, kind, attributes);
    }

    private static (string, object) ReadKeyValue(byte[] bytes)
    {
        var key = "";
        object value = "";
        foreach (var field in Protobuf.Fields(bytes))
        {
            if (field.Number == 1)
            {
                key = System.Text.Encoding.UTF8.GetString(field.Bytes);
            }
            else if (field.Number == 2)
            {
                foreach (var any in Protobuf.Fields(field.Bytes))
                {
                    value = any.Number switch
                    {
                        1 => System.Text.Encoding.UTF8.GetString(any.Bytes),
                        2 => any.Varint != 0,
                        3 => (long)any.Varint,
                        4 => BitConverter.Int64BitsToDouble((long)any.Varint),
                        _ => value,
                    };
                }
            }
        }
        return (key, value);
    }
}

/// <summary>Protobuf wire format: enough to walk messages (varint, 64-bit, length-delimited, 32-bit fields).</summary>
public static class Protobuf
{
    public readonly record struct Field(int Number, ulong Varint, byte[] Bytes);

    public static IEnumerable<Field> Fields(byte[] message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message, ref position);
            var number = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case 0:
                    yield return new Field(number, ReadVarint(message, ref position), []);
                    break;
                case 1:
                    yield return new Field(number, BitConverter.ToUInt64(message, position), []);
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref position);
                    yield return new Field(number, 0, message[position..(position + length)]);
                    position += length;
                    break;
                case 5:
                    yield return new Field(number, BitConverter.ToUInt32(message, position), []);
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"unsupported wire type in tag {tag}");
            }
        }
    }

    private static ulong ReadVarint(byte[] bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
