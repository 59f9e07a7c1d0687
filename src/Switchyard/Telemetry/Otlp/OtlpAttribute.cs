using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Switchyard.Telemetry.Otlp;

/// <summary>
/// An OTLP <c>KeyValue</c> with its <c>AnyValue</c>. The typed overloads serve the gateway's own span attributes
/// without boxing; the <see cref="object"/> one writes any activity tag: string, bool, int64 and double as themselves,
/// anything else as its invariant text.
/// </summary>
public static class OtlpAttribute
{
    public static void Write(ProtobufWriter writer, int field, string key, string value)
    {
        var any = Begin(writer, field, key);
        writer.String(1, value);
        End(writer, any);
    }

    public static void Write(ProtobufWriter writer, int field, string key, long value)
    {
        var any = Begin(writer, field, key);
        writer.Int64(3, value);
        End(writer, any);
    }

    public static void Write(ProtobufWriter writer, int field, string key, double value)
    {
        var any = Begin(writer, field, key);
        writer.Double(4, value);
        End(writer, any);
    }

    public static void Write(ProtobufWriter writer, int field, string key, bool value)
    {
        var any = Begin(writer, field, key);
        writer.Bool(2, value);
        End(writer, any);
    }

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
        switch (value)
        {
            case string text:
                Write(writer, field, key, text);
                break;
            case bool flag:
                Write(writer, field, key, flag);
                break;
            case int integer:
                Write(writer, field, key, (long)integer);
                break;
            case long integer:
                Write(writer, field, key, integer);
                break;
            case double real:
                Write(writer, field, key, real);
                break;
            case short or sbyte or byte or ushort or uint:
                Write(writer, field, key, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case float or decimal:
                Write(writer, field, key, Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case null:
                End(writer, Begin(writer, field, key));
                break;
            default:
                Write(writer, field, key, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                break;
        }
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

    /// <summary>Opens the <c>KeyValue</c> and its <c>AnyValue</c>; returns both starts packed for <see cref="End"/>.</summary>
    private static (int KeyValue, int Any) Begin(ProtobufWriter writer, int field, string key)
    {
        var keyValue = writer.BeginMessage(field);
        writer.String(1, key);
        return (keyValue, writer.BeginMessage(2));
    }

    private static void End(ProtobufWriter writer, (int KeyValue, int Any) starts)
    {
        writer.EndMessage(starts.Any);
        writer.EndMessage(starts.KeyValue);
    }
}
