namespace Switchyard.Telemetry.Otlp;

/// <summary>
/// An attribute name encoded once, as the <c>KeyValue.key</c> field it becomes in every span: the gateway's spans
/// carry the same few dozen names on every request, so encoding them per span would be repeated work.
/// </summary>
internal sealed class OtlpAttributeKey
{
    private readonly byte[] _encoded;

    public OtlpAttributeKey(string name)
    {
        var writer = new ProtobufWriter(name.Length * 3 + 6);
        writer.String(1, name);
        _encoded = writer.WrittenSpan.ToArray();
    }

    /// <summary>Field 1 of <c>KeyValue</c>: tag, length and the name's UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> Encoded => _encoded;
}
