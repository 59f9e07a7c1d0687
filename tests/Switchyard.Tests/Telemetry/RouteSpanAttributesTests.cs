using Switchyard.Configuration;
using Switchyard.Routing;
using Switchyard.Telemetry.Otlp;
using Switchyard.Telemetry.Tracing;

namespace Switchyard.Tests.Telemetry;

public sealed class RouteSpanAttributesTests
{
    private static Channel NewChannel() => new(new ChannelConfig
    {
        Name = "primary",
        Type = "anthropic",
        BaseUrl = "https://api.example.test:8443/v1",
        Models = ["m"],
    }, new RouterConfig(), TimeProvider.System);

    [Fact]
    public void The_bytes_are_those_of_the_attributes_written_one_by_one()
    {
        var channel = NewChannel();
        var attributes = RouteSpanAttributes.Of(new ChannelRoute(channel, "claude-x"));

        Assert.Equal(Encode(("gen_ai.system", "anthropic"), ("switchyard.channel", "primary")), attributes.Request);
        var attempt = new ProtobufWriter(256);
        attempt.Raw(attributes.Request);
        attempt.Raw(Encode(("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "claude-x"), ("server.address", "api.example.test"), ("server.port", 8443L)));
        Assert.Equal(attempt.WrittenSpan.ToArray(), attributes.Attempt);
        Assert.Equal(Encode(("gen_ai.response.model", "claude-x")), attributes.AttemptAnswered);
    }

    [Fact]
    public void Routes_are_made_per_request_so_the_encoding_is_kept_per_channel_and_upstream_model()
    {
        var channel = NewChannel();
        var first = RouteSpanAttributes.Of(new ChannelRoute(channel, "claude-x"));

        Assert.Same(first, RouteSpanAttributes.Of(new ChannelRoute(channel, new string("claude-x".AsSpan()))));
        Assert.NotSame(first, RouteSpanAttributes.Of(new ChannelRoute(channel, "claude-y")));
        // Another channel object (a reload's) has its own, even with the same name.
        Assert.NotSame(first, RouteSpanAttributes.Of(new ChannelRoute(NewChannel(), "claude-x")));
    }

    [Fact]
    public void Past_the_per_channel_bound_models_are_still_encoded_correctly_but_not_kept()
    {
        var channel = NewChannel();
        for (var i = 0; i < 64; i++)
        {
            RouteSpanAttributes.Of(new ChannelRoute(channel, $"client-model-{i}"));
        }

        var extra = RouteSpanAttributes.Of(new ChannelRoute(channel, "client-model-extra"));

        Assert.Equal(Encode(("gen_ai.response.model", "client-model-extra")), extra.AttemptAnswered);
        Assert.NotSame(extra, RouteSpanAttributes.Of(new ChannelRoute(channel, "client-model-extra")));
        Assert.Same(RouteSpanAttributes.Of(new ChannelRoute(channel, "client-model-3")), RouteSpanAttributes.Of(new ChannelRoute(channel, "client-model-3")));
    }

    private static byte[] Encode(params (string Key, object Value)[] attributes)
    {
        var writer = new ProtobufWriter(256);
        foreach (var (key, value) in attributes)
        {
            OtlpAttribute.Write(writer, OtlpSpanEncoder.AttributesField, key, value);
        }
        return writer.WrittenSpan.ToArray();
    }
}
