using Switchyard.Configuration;

namespace Switchyard.Tests.TestSupport;

/// <summary>A <c>type: gemini</c> channel on the mock's <c>/v1beta</c>, added to the harness's default config.</summary>
public static class GeminiChannel
{
    public const string Flash = "gemini-2.5-flash";
    public const string Pro = "gemini-2.5-pro";
    public const string UpstreamKey = "AIzaSyMockGeminiUpstreamKey0000000000";

    /// <summary>Flash prices reasoning apart; Pro leaves it at the output price.</summary>
    public static readonly PriceConfig FlashPrice = new() { Input = 0.30m, Output = 2.50m, CachedInput = 0.075m, Reasoning = 3.50m };
    public static readonly PriceConfig ProPrice = new() { Input = 1.25m, Output = 10m, CachedInput = 0.3125m };

    public static GatewayConfig Add(GatewayConfig config)
    {
        var mockBase = new Uri(config.Channels[0].BaseUrl);
        return config with
        {
            Channels =
            [
                .. config.Channels,
                new ChannelConfig
                {
                    Name = "mock-gemini",
                    Type = "gemini",
                    BaseUrl = new Uri(mockBase, "/v1beta").ToString(),
                    Keys = [UpstreamKey],
                    Models = [Flash, Pro],
                },
            ],
            Models =
            [
                .. config.Models,
                new ModelConfig { Name = Flash, Price = FlashPrice },
                new ModelConfig { Name = Pro, Price = ProPrice },
            ],
        };
    }
}
