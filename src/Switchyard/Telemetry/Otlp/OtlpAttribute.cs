using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Switchyard.Telemetry.Otlp;

/// <summary>
/// An OTLP <c>KeyValue</c> with its <c>AnyValue</c>. The keyed overloads serve the gateway's own span attributes
/// without boxing; the <see cref="object"/> one writes any other attribute or activity tag: string, bool, integers and
/// floating-point numbers as themselves, anything else as its invariant text.
/// </summary>
internal static class OtlpAttribute
{
    // The keyed overloads know every length before writing, so they write each KeyValue front to back: no nested
    // message to close and move. Wire format: KeyValue { 1: key, 2: AnyValue { 1: string | 2: bool | 3: int64 | 4: double } }.

    public static void Write(ProtobufWriter writer, int field, OtlpAttributeKey key, string value)
    {
        var valueLength = Encoding.UTF8.GetByteCount(value);
        var any = Prefix(writer, field, key, 1 + ProtobufWriter.VarintSize((ulong)valueLength) + valueLength);
        writer.String(1, value, valueLength);
        Debug.Assert(writer.Length == any);
    }

    public static void Write(ProtobufWriter writer, int field, OtlpAttributeKey key, long value)
    {
        var any = Prefix(writer, field, key, 1 + ProtobufWriter.VarintSize(unchecked((ulong)value)));
        writer.Int64(3, value);
        Debug.Assert(writer.Length == any);
    }

    public static void Write(ProtobufWriter writer, int field, OtlpAttributeKey key, double value)
    {
        var any = Prefix(writer, field, key, 9);
        writer.Double(4, value);
        Debug.Assert(writer.Length == any);
    }

    public static void Write(ProtobufWriter writer, int field, OtlpAttributeKey key, bool value)
    {
        var any = Prefix(writer, field, key, 2);
        writer.Bool(2, value);
        Debug.Assert(writer.Length == any);
    }

    /// <summary>Writes nothing for a null value: an absent attribute, as an unset optional tag would be.</summary>
    public static void WriteIfSet(ProtobufWriter writer, int field, OtlpAttributeKey key, string? value)
    {
        if (value is not null)
        {
            Write(writer, field, key, value);
        }
    }

    public static void Write(ProtobufWriter writer, int field, string key, object? value)
    {
        var keyValue = writer.BeginMessage(field);
        writer.String(1, key);
        var any = writer.BeginMessage(2);
        switch (value)
        {
            case string text:
                writer.String(1, text);
                break;
            case bool flag:
                writer.Bool(2, flag);
                break;
            case int or long or short or sbyte or byte or ushort or uint:
                writer.Int64(3, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double or float or decimal:
                writer.Double(4, Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case null:
                break;
            default:
                writer.String(1, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                break;
        }
        writer.EndMessage(any);
        writer.EndMessage(keyValue);
    }

    /// <summary>The KeyValue's tag and length, its key, and the AnyValue's tag and length; returns where the AnyValue ends.</summary>
    private static int Prefix(ProtobufWriter writer, int field, OtlpAttributeKey key, int anyLength)
    {
        var encoded = key.Encoded;
        writer.LengthPrefix(field, encoded.Length + 1 + ProtobufWriter.VarintSize((ulong)anyLength) + anyLength);
        writer.Raw(encoded);
        writer.LengthPrefix(2, anyLength);
        return writer.Length + anyLength;
    }
}
