namespace Switchyard.Telemetry.Otlp;

/// <summary>
/// Who sends an OTLP export: the resource (service name and instance) and the instrumentation scope, written the same
/// way into trace and metric exports so a collector joins them.
/// </summary>
internal sealed record OtlpResource(string ServiceName, string ServiceInstanceId, string ScopeName, string? ScopeVersion)
{
    /// <summary>An <c>opentelemetry.proto.resource.v1.Resource</c> as field <paramref name="field"/>.</summary>
    public void WriteResource(ProtobufWriter writer, int field)
    {
        var resource = writer.BeginMessage(field);
        OtlpAttribute.Write(writer, 1, "service.name", ServiceName);
        OtlpAttribute.Write(writer, 1, "service.instance.id", ServiceInstanceId);
        writer.EndMessage(resource);
    }

    /// <summary>An <c>InstrumentationScope</c> as field <paramref name="field"/>.</summary>
    public void WriteScope(ProtobufWriter writer, int field)
    {
        var scope = writer.BeginMessage(field);
        writer.String(1, ScopeName);
        if (ScopeVersion is { } version)
        {
            writer.String(2, version);
        }
        writer.EndMessage(scope);
    }
}
