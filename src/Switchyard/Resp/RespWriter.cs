using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Switchyard.Resp;

/// <summary>
/// Encodes RESP2 straight into an <see cref="IBufferWriter{T}"/> (the connection's outgoing pipe): a
/// command is an array of bulk strings, with no intermediate strings or byte arrays.
/// </summary>
internal static class RespWriter
{
    // "-9223372036854775808" plus a type byte and CRLF.
    private const int MaxHeaderLength = 24;

    // Enough for any double in its shortest round-trip form ("-1.7976931348623157E+308").
    private const int MaxDoubleLength = 32;

    public static void WriteCommand(IBufferWriter<byte> output, string command, ReadOnlySpan<RedisArg> args)
    {
        WriteHeader(output, (byte)'*', args.Length + 1);
        WriteBulkString(output, command);
        foreach (ref readonly var arg in args)
        {
            WriteBulkString(output, in arg);
        }
    }

    public static void WriteBulkString(IBufferWriter<byte> output, in RedisArg arg)
    {
        switch (arg.ArgKind)
        {
            case RedisArg.Kind.Text:
                WriteBulkString(output, arg.Text);
                break;
            case RedisArg.Kind.Integer:
                WriteBulkString(output, arg.IntegerValue);
                break;
            case RedisArg.Kind.Double:
                WriteBulkString(output, arg.DoubleValue);
                break;
            default:
                WriteBulkString(output, arg.Span);
                break;
        }
    }

    public static void WriteBulkString(IBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        WriteHeader(output, (byte)'$', value.Length);
        var span = output.GetSpan(value.Length + 2);
        value.CopyTo(span);
        span[value.Length] = (byte)'\r';
        span[value.Length + 1] = (byte)'\n';
        output.Advance(value.Length + 2);
    }

    public static void WriteBulkString(IBufferWriter<byte> output, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteHeader(output, (byte)'$', length);
        var span = output.GetSpan(length + 2);
        Encoding.UTF8.GetBytes(value, span);
        span[length] = (byte)'\r';
        span[length + 1] = (byte)'\n';
        output.Advance(length + 2);
    }

    public static void WriteBulkString(IBufferWriter<byte> output, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out var written);
        WriteBulkString(output, digits[..written]);
    }

    public static void WriteBulkString(IBufferWriter<byte> output, double value)
    {
        // Redis spells infinities "inf"; .NET's invariant "Infinity" is not what its parser documents.
        if (double.IsInfinity(value))
        {
            WriteBulkString(output, value > 0 ? "+inf"u8 : "-inf"u8);
            return;
        }
        Span<byte> text = stackalloc byte[MaxDoubleLength];
        value.TryFormat(text, out var written, "R", CultureInfo.InvariantCulture);
        WriteBulkString(output, text[..written]);
    }

    /// <summary>Writes any reply value; the client only sends commands, but tests and fakes need replies.</summary>
    public static void WriteValue(IBufferWriter<byte> output, in RespValue value)
    {
        switch (value.Type)
        {
            case RespType.SimpleString:
            case RespType.Error:
                WriteLine(output, value.Type == RespType.Error ? (byte)'-' : (byte)'+', value.AsString()!);
                break;
            case RespType.Integer:
                WriteHeader(output, (byte)':', value.AsInt64());
                break;
            case RespType.BulkString when value.IsNull:
                WriteHeader(output, (byte)'$', -1);
                break;
            case RespType.BulkString:
                WriteBulkString(output, value.Bytes.Span);
                break;
            case RespType.Array when value.IsNull:
                WriteHeader(output, (byte)'*', -1);
                break;
            case RespType.Array:
                WriteHeader(output, (byte)'*', value.Items.Length);
                foreach (ref readonly var item in value.Items)
                {
                    WriteValue(output, in item);
                }
                break;
        }
    }

    private static void WriteLine(IBufferWriter<byte> output, byte prefix, string text)
    {
        if (text.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException("RESP simple strings and errors cannot contain CR or LF.", nameof(text));
        }
        var length = Encoding.UTF8.GetByteCount(text);
        var span = output.GetSpan(length + 3);
        span[0] = prefix;
        Encoding.UTF8.GetBytes(text, span[1..]);
        span[length + 1] = (byte)'\r';
        span[length + 2] = (byte)'\n';
        output.Advance(length + 3);
    }

    private static void WriteHeader(IBufferWriter<byte> output, byte prefix, long number)
    {
        var span = output.GetSpan(MaxHeaderLength);
        span[0] = prefix;
        Utf8Formatter.TryFormat(number, span[1..], out var written);
        span[written + 1] = (byte)'\r';
        span[written + 2] = (byte)'\n';
        output.Advance(written + 3);
    }
}
