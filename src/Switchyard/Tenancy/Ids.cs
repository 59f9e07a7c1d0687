namespace Switchyard.Tenancy;

public static class Ids
{
    /// <summary>Time-ordered, so ids sort by creation and index well.</summary>
    public static string NewKeyId() => "key_" + Guid.CreateVersion7().ToString("N");

    /// <summary>
    /// A UUIDv7 in the same 32-hex form as <see cref="NewKeyId"/>: time-ordered, with 74 random bits from
    /// <see cref="Random.Shared"/>. Request ids must be unique, not secret (they are echoed to clients and authorize
    /// nothing), and the cryptographic generator behind <see cref="Guid.CreateVersion7()"/> costs a system call on
    /// every request.
    /// </summary>
    public static string NewRequestId() => string.Create(36, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), static (text, ms) =>
    {
        "req_".CopyTo(text);
        var hex = text[4..];
        var random = Random.Shared;
        Hex(hex[..12], (ulong)ms & 0xFFFF_FFFF_FFFF);
        Hex(hex.Slice(12, 4), 0x7000UL | ((ulong)random.Next() & 0x0FFF));
        Hex(hex.Slice(16, 4), 0x8000UL | ((ulong)random.Next() & 0x3FFF));
        Hex(hex[20..], (ulong)random.NextInt64() & 0xFFFF_FFFF_FFFF);
    });

    private static void Hex(Span<char> into, ulong value)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = "0123456789abcdef"[(int)(value & 0xF)];
            value >>= 4;
        }
    }
}
