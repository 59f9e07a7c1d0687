using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Switchyard.Contracts;

namespace Switchyard.Protocols;

/// <summary>
/// Edits a JSON object's top-level fields by splicing bytes, leaving everything else exactly as the client sent it:
/// unknown fields, number formats, escapes and opaque values such as thinking signatures stay byte-for-byte.
/// </summary>
internal static class JsonSplice
{

    /// <summary>Byte range of a top-level property's value, or (-1, -1) if absent.</summary>
    public static (int Start, int End) FindTopLevelValue(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return (-1, -1);
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (match)
            {
                return (start, (int)reader.BytesConsumed);
            }
        }
        return (-1, -1);
    }

    /// <summary>Writes <paramref name="json"/> with the top-level string <paramref name="name"/> set to <paramref name="value"/>.</summary>
    /// <returns>False if the property is absent (nothing written).</returns>
    public static bool ReplaceString(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name, string value, IBufferWriter<byte> output)
    {
        var (start, end) = FindTopLevelValue(json, name);
        if (start < 0)
        {
            return false;
        }
        output.Write(json[..start]);
        using (var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions))
        {
            writer.WriteStringValue(value);
        }
        output.Write(json[end..]);
        return true;
    }

    /// <summary>Inserts <c>"name":rawValue,</c> as the object's first property; the caller ensures the name is absent.</summary>
    public static void InsertFirst(ReadOnlySpan<byte> json, ReadOnlySpan<byte> propertyAndValue, IBufferWriter<byte> output)
    {
        var open = json.IndexOf((byte)'{');
        output.Write(json[..(open + 1)]);
        output.Write(propertyAndValue);
        var rest = json[(open + 1)..];
        if (rest.TrimStart(" \t\r\n"u8).IndexOf((byte)'}') != 0)
        {
            output.Write(","u8);
        }
        output.Write(rest);
    }
}
