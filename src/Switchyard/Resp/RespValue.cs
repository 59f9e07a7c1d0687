using System.Buffers.Text;
using System.Text;

namespace Switchyard.Resp;

/// <summary>The five RESP2 reply types.</summary>
public enum RespType : byte
{
    SimpleString,
    Error,
    Integer,
    BulkString,
    Array,
}

/// <summary>
/// One RESP2 reply. A struct so integer replies (the common case for counters and rate limits) cost no
/// allocation; strings, bytes and arrays are held by reference.
/// </summary>
public readonly struct RespValue : IEquatable<RespValue>
{
    private static readonly RespValue[] EmptyItems = [];

    // string for simple strings and errors, byte[] for bulk strings, RespValue[] for arrays; null for nil.
    private readonly object? _payload;
    private readonly long _integer;

    private RespValue(RespType type, object? payload, long integer)
    {
        Type = type;
        _payload = payload;
        _integer = integer;
    }

    public RespType Type { get; }

    /// <summary>True for the nil bulk string (<c>$-1</c>) and the nil array (<c>*-1</c>).</summary>
    public bool IsNull => _payload is null && Type is RespType.BulkString or RespType.Array;

    public bool IsError => Type == RespType.Error;

    public static RespValue NullBulkString => new(RespType.BulkString, null, 0);

    public static RespValue NullArray => new(RespType.Array, null, 0);

    public static RespValue SimpleString(string value) => new(RespType.SimpleString, value ?? throw new ArgumentNullException(nameof(value)), 0);

    public static RespValue Error(string message) => new(RespType.Error, message ?? throw new ArgumentNullException(nameof(message)), 0);

    public static RespValue Integer(long value) => new(RespType.Integer, null, value);

    /// <summary>Wraps <paramref name="value"/> without copying; null gives the nil bulk string.</summary>
    public static RespValue BulkString(byte[]? value) => new(RespType.BulkString, value, 0);

    public static RespValue BulkString(string value) => new(RespType.BulkString, Encoding.UTF8.GetBytes(value), 0);

    /// <summary>Wraps <paramref name="items"/> without copying; null gives the nil array.</summary>
    public static RespValue Array(RespValue[]? items) => new(RespType.Array, items?.Length == 0 ? EmptyItems : items, 0);

    /// <summary>The bytes of a bulk string (empty for nil).</summary>
    public ReadOnlyMemory<byte> Bytes => Type == RespType.BulkString
        ? (byte[]?)_payload
        : throw WrongType("bytes");

    /// <summary>The elements of an array (empty for nil).</summary>
    public ReadOnlySpan<RespValue> Items => Type == RespType.Array
        ? (RespValue[]?)_payload
        : throw WrongType("items");

    public RespValue this[int index] => Items[index];

    /// <summary>Text of a simple string, error or bulk string (UTF-8); the integer in decimal; null for nil.</summary>
    public string? AsString() => Type switch
    {
        RespType.SimpleString or RespType.Error => (string)_payload!,
        RespType.BulkString => _payload is byte[] bytes ? Encoding.UTF8.GetString(bytes) : null,
        RespType.Integer => _integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => throw WrongType("a string"),
    };

    /// <summary>An integer reply, or a simple/bulk string holding a decimal integer (Redis sends both).</summary>
    public long AsInt64()
    {
        switch (Type)
        {
            case RespType.Integer:
                return _integer;
            case RespType.BulkString when _payload is byte[] bytes:
                if (Utf8Parser.TryParse(bytes, out long parsed, out var consumed) && consumed == bytes.Length)
                {
                    return parsed;
                }
                break;
            case RespType.SimpleString:
                if (long.TryParse((string)_payload!, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var fromText))
                {
                    return fromText;
                }
                break;
        }
        throw WrongType("an integer");
    }

    public bool Equals(RespValue other)
    {
        if (Type != other.Type || IsNull != other.IsNull)
        {
            return false;
        }
        return Type switch
        {
            RespType.Integer => _integer == other._integer,
            RespType.SimpleString or RespType.Error => string.Equals((string)_payload!, (string)other._payload!, StringComparison.Ordinal),
            RespType.BulkString => IsNull || ((byte[])_payload!).AsSpan().SequenceEqual((byte[])other._payload!),
            RespType.Array => IsNull || Items.SequenceEqual(other.Items),
            _ => false,
        };
    }

    public override bool Equals(object? obj) => obj is RespValue other && Equals(other);

    public override int GetHashCode() => Type switch
    {
        RespType.Integer => HashCode.Combine(Type, _integer),
        RespType.BulkString when _payload is byte[] bytes => HashCode.Combine(Type, bytes.Length),
        RespType.Array when _payload is RespValue[] items => HashCode.Combine(Type, items.Length),
        _ => HashCode.Combine(Type, _payload as string),
    };

    public static bool operator ==(RespValue left, RespValue right) => left.Equals(right);

    public static bool operator !=(RespValue left, RespValue right) => !left.Equals(right);

    /// <summary>A redis-cli-like rendering for test output and debugging.</summary>
    public override string ToString() => Type switch
    {
        _ when IsNull => "(nil)",
        RespType.SimpleString => (string)_payload!,
        RespType.Error => "(error) " + (string)_payload!,
        RespType.Integer => "(integer) " + AsString(),
        RespType.BulkString => "\"" + AsString() + "\"",
        RespType.Array => "[" + string.Join(", ", ((RespValue[])_payload!).Select(item => item.ToString())) + "]",
        _ => Type.ToString(),
    };

    private InvalidOperationException WrongType(string wanted) =>
        new($"The Redis reply is {(IsNull ? "nil " : "")}{Type}, not {wanted}.");
}
