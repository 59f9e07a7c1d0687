using Microsoft.Extensions.Logging;
using Switchyard.Billing;

namespace Switchyard.Telemetry.Logging;

/// <summary>The one info line per finished request (category <c>Switchyard.Requests</c>): who, what, where, how it ended, what it cost.</summary>
public sealed partial class RequestLog(ILoggerFactory loggers)
{
    public const string Category = "Switchyard.Requests";

    private readonly ILogger _logger = loggers.CreateLogger(Category);

    public void Write(UsageRecord record)
    {
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }
        LogRequest(_logger, record.RequestId, record.Endpoint, record.KeyName, record.Group, record.RequestedModel, record.ServedModel, record.Channel,
            record.Status, record.ErrorKind, record.Usage.Input, record.Usage.Output, record.Usage.Cached, record.Usage.Reasoning, record.CostUsd,
            record.LatencyMs, record.TtfbMs, record.Stream, record.Attempts?.Count ?? (record.Channel is null ? 0 : 1));
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message =
        "{RequestId} {Endpoint} key={KeyName} group={Group} model={RequestedModel} served={ServedModel} channel={Channel} status={Status} error={ErrorKind} " +
        "tokens={InputTokens}/{OutputTokens} cached={CachedTokens} reasoning={ReasoningTokens} cost={CostUsd} latency_ms={LatencyMs} ttfb_ms={TtfbMs} stream={Stream} attempts={Attempts}")]
    private static partial void LogRequest(ILogger logger, string requestId, string endpoint, string? keyName, string? group, string? requestedModel,
        string? servedModel, string? channel, int status, string? errorKind, long inputTokens, long outputTokens, long cachedTokens, long reasoningTokens,
        decimal costUsd, long latencyMs, long? ttfbMs, bool stream, int attempts);
}
