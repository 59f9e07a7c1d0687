using System.Globalization;

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

    /// <summary>Writes nothing for a null value: an absent attribute, as an unset optional tag would be.</summary>
    public static void WriteIfSet(ProtobufWriter writer, int field, string key, string? value)
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
