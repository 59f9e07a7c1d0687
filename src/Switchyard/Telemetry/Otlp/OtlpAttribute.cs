using System.Globalization;

namespace Switchyard.Telemetry.Otlp;

/// <summary>An OTLP <c>KeyValue</c> with its <c>AnyValue</c>: string, bool, int64 and double as themselves, anything else as its invariant text.</summary>
public static class OtlpAttribute
{
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
            case int integer:
                writer.Int64(3, integer);
                break;
            case long integer:
                writer.Int64(3, integer);
                break;
            case double real:
                writer.Double(4, real);
                break;
            case short or sbyte or byte or ushort or uint:
                writer.Int64(3, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case float or decimal:
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
}
