using System.Runtime.CompilerServices;
using Switchyard.Routing;
using Switchyard.Telemetry.Otlp;
using Keys = Switchyard.Telemetry.Tracing.SpanAttributeKeys;

namespace Switchyard.Telemetry.Tracing;

/// <summary>
/// The span attributes that depend on a route alone (provider, models, server, channel), encoded once per route
/// rather than at every span's end: about half of an attempt span's attributes. Routes live as long as the
/// configuration that made them, and the table holds them weakly, so a reload's old routes go with it.
/// </summary>
internal sealed class RouteSpanAttributes
{
    private static readonly ConditionalWeakTable<ChannelRoute, RouteSpanAttributes> Cache = new();

    private RouteSpanAttributes(ChannelRoute route)
    {
        var writer = new ProtobufWriter(256);
        var field = OtlpSpanEncoder.AttributesField;
        OtlpAttribute.Write(writer, field, Keys.System, route.Channel.Config.Type);
        OtlpAttribute.Write(writer, field, Keys.Channel, route.Channel.Name);
        Request = writer.WrittenSpan.ToArray();
        OtlpAttribute.Write(writer, field, Keys.Operation, "chat");
        OtlpAttribute.Write(writer, field, Keys.RequestModel, route.UpstreamModel);
        OtlpAttribute.Write(writer, field, Keys.ServerAddress, route.Channel.BaseUrl.Host);
        OtlpAttribute.Write(writer, field, Keys.ServerPort, (long)route.Channel.BaseUrl.Port);
        Attempt = writer.WrittenSpan.ToArray();
        writer.Reset();
        OtlpAttribute.Write(writer, field, Keys.ResponseModel, route.UpstreamModel);
        AttemptAnswered = writer.WrittenSpan.ToArray();
    }

    /// <summary>A request span's: provider and channel.</summary>
    public byte[] Request { get; }

    /// <summary>An attempt span's: provider, channel, operation, upstream model, server address and port.</summary>
    public byte[] Attempt { get; }

    /// <summary>What an answered attempt adds: the response model (the route's upstream model).</summary>
    public byte[] AttemptAnswered { get; }

    public static RouteSpanAttributes Of(ChannelRoute route) => Cache.GetValue(route, static r => new RouteSpanAttributes(r));
}
