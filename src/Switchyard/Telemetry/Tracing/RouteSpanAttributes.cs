using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Switchyard.Routing;
using Switchyard.Telemetry.Otlp;
using Keys = Switchyard.Telemetry.Tracing.SpanAttributeKeys;

namespace Switchyard.Telemetry.Tracing;

/// <summary>
/// The span attributes that depend on a route alone (provider, channel, upstream model, server), encoded once per
/// channel and upstream model rather than at every span's end: about half of an attempt span's attributes. Routes are
/// made per request, so the cache hangs off their channel, which lives as long as its configuration (held weakly: a
/// reload's old channels go with it).
/// </summary>
internal sealed class RouteSpanAttributes
{
    // Upstream model names are the configuration's, but a pass-through channel may forward a client's own: past this
    // many per channel the rest are encoded per span instead of kept.
    private const int MaxModelsPerChannel = 64;

    private static readonly ConditionalWeakTable<Channel, ChannelEntry> Channels = new();

    private RouteSpanAttributes(Channel channel, byte[] request, string upstreamModel)
    {
        var writer = new ProtobufWriter(256);
        var field = OtlpSpanEncoder.AttributesField;
        writer.Raw(request);
        OtlpAttribute.Write(writer, field, Keys.Operation, "chat");
        OtlpAttribute.Write(writer, field, Keys.RequestModel, upstreamModel);
        OtlpAttribute.Write(writer, field, Keys.ServerAddress, channel.BaseUrl.Host);
        OtlpAttribute.Write(writer, field, Keys.ServerPort, (long)channel.BaseUrl.Port);
        Attempt = writer.WrittenSpan.ToArray();
        writer.Reset();
        OtlpAttribute.Write(writer, field, Keys.ResponseModel, upstreamModel);
        AttemptAnswered = writer.WrittenSpan.ToArray();
        Request = request;
    }

    /// <summary>A request span's: provider and channel.</summary>
    public byte[] Request { get; }

    /// <summary>An attempt span's: provider, channel, operation, upstream model, server address and port.</summary>
    public byte[] Attempt { get; }

    /// <summary>What an answered attempt adds: the response model (the route's upstream model).</summary>
    public byte[] AttemptAnswered { get; }

    public static RouteSpanAttributes Of(ChannelRoute route) =>
        Channels.GetValue(route.Channel, static channel => new ChannelEntry(channel)).For(route.UpstreamModel);

    private sealed class ChannelEntry
    {
        private readonly Channel _channel;
        private readonly byte[] _request;
        private readonly ConcurrentDictionary<string, RouteSpanAttributes> _byModel = new(StringComparer.Ordinal);

        public ChannelEntry(Channel channel)
        {
            _channel = channel;
            var writer = new ProtobufWriter(128);
            OtlpAttribute.Write(writer, OtlpSpanEncoder.AttributesField, Keys.System, channel.Config.Type);
            OtlpAttribute.Write(writer, OtlpSpanEncoder.AttributesField, Keys.Channel, channel.Name);
            _request = writer.WrittenSpan.ToArray();
        }

        public RouteSpanAttributes For(string upstreamModel)
        {
            if (_byModel.TryGetValue(upstreamModel, out var attributes))
            {
                return attributes;
            }
            attributes = new RouteSpanAttributes(_channel, _request, upstreamModel);
            return _byModel.Count < MaxModelsPerChannel ? _byModel.GetOrAdd(upstreamModel, attributes) : attributes;
        }
    }
}
