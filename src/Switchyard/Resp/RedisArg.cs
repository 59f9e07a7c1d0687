using System.Globalization;
using System.Text;

namespace Switchyard.Resp;

/// <summary>
/// One command argument. Implicit conversions from string, integers, double and bytes let callers write
/// <c>ExecuteAsync("INCRBY", key, 5)</c> with the arguments in a stack-allocated span: nothing is boxed,
/// and numbers are formatted straight into the output buffer.
/// </summary>
public readonly struct RedisArg
{
    private readonly string? _text;
    private readonly ReadOnlyMemory<byte> _bytes;
    // An integer, or a double's bits, so the struct stays small.
    private readonly long _number;
    private readonly Kind _kind;

    private RedisArg(Kind kind, string? text = null, ReadOnlyMemory<byte> bytes = default, long number = 0)
    {
        _kind = kind;
        _text = text;
        _bytes = bytes;
        _number = number;
    }

    internal enum Kind : byte
    {
        Bytes,
        Text,
        Integer,
        Double,
    }

    internal Kind ArgKind => _kind;

    internal string Text => _text ?? "";

    internal ReadOnlySpan<byte> Span => _bytes.Span;

    internal long IntegerValue => _number;

    internal double DoubleValue => BitConverter.Int64BitsToDouble(_number);

    public static implicit operator RedisArg(string value) => new(Kind.Text, text: value ?? throw new ArgumentNullException(nameof(value)));

    public static implicit operator RedisArg(byte[] value) => new(Kind.Bytes, bytes: value ?? throw new ArgumentNullException(nameof(value)));

    public static implicit operator RedisArg(ReadOnlyMemory<byte> value) => new(Kind.Bytes, bytes: value);

    public static implicit operator RedisArg(long value) => new(Kind.Integer, number: value);

    public static implicit operator RedisArg(int value) => new(Kind.Integer, number: value);

    public static implicit operator RedisArg(double value) => double.IsNaN(value)
        ? throw new ArgumentException("Redis does not accept NaN as a number.", nameof(value))
        : new(Kind.Double, number: BitConverter.DoubleToInt64Bits(value));

    public static RedisArg FromString(string value) => value;

    public static RedisArg FromBytes(ReadOnlyMemory<byte> value) => value;

    public static RedisArg FromInt64(long value) => value;

    public static RedisArg FromDouble(double value) => value;

    public override string ToString() => _kind switch
    {
        Kind.Text => _text!,
        Kind.Bytes => Encoding.UTF8.GetString(_bytes.Span),
        Kind.Integer => _number.ToString(CultureInfo.InvariantCulture),
        Kind.Double => DoubleValue.ToString("R", CultureInfo.InvariantCulture),
        _ => "",
    };
}
