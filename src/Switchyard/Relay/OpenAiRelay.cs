using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchyard.Billing;
using Switchyard.Hosting;
using Switchyard.Protocols.OpenAi;
using Switchyard.Tenancy;

namespace Switchyard.Relay;

/// <summary>
/// OpenAI client → OpenAI-compatible upstream. The body is forwarded with only the model (and, for streams,
/// the usage option) rewritten; responses are relayed byte for byte while the usage is tapped.
/// </summary>
public sealed partial class OpenAiRelay(
    GatewayRuntime runtime,
    KeyRing keys,
    UpstreamClient upstream,
    LedgerWriter ledger,
    TimeProvider time,
    ILogger<OpenAiRelay> logger)
{
    private const int MaxUpstreamErrorBytes = 64 * 1024;

    public async Task HandleAsync(HttpContext http, OpenAiEndpoint endpoint)
    {
        var context = new RelayContext(endpoint.Name, time);
        http.Response.Headers["x-request-id"] = context.RequestId;
        var aborted = http.RequestAborted;
        try
        {
            var error = await RunAsync(http, endpoint, context, aborted);
            if (error is not null)
            {
                context.Fail(error);
                if (!http.Response.HasStarted)
                {
                    WriteOverhead(http.Response, context);
                    await OpenAiErrors.WriteAsync(http.Response, error, aborted);
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            context.Fail(new RelayError(RelayErrorKind.ClientDisconnected, 499, "The client closed the connection."));
        }
        catch (Exception e) when (e is not OperationCanceledException || !aborted.IsCancellationRequested)
        {
            LogRelayFailed(logger, context.RequestId, e);
            var error = new RelayError(RelayErrorKind.Internal, 500, "The gateway failed to process the request.");
            context.Fail(error);
            if (!http.Response.HasStarted)
            {
                await OpenAiErrors.WriteAsync(http.Response, error, CancellationToken.None);
            }
            else
            {
                http.Abort();
            }
        }
        finally
        {
            ledger.Enqueue(context.ToRecord(runtime.Prices));
        }
    }

    private async Task<RelayError?> RunAsync(HttpContext http, OpenAiEndpoint endpoint, RelayContext context, CancellationToken aborted)
    {
        if (KeyAuthentication.Authenticate(keys, KeyAuthentication.BearerToken(http.Request), context) is { } authError)
        {
            return authError;
        }
        var (body, bodyError) = await RequestBodyReader.ReadAsync(http.Request, runtime.Config.Server.MaxBodyBytes, aborted);
        if (bodyError is not null)
        {
            return bodyError;
        }
        using var request = OpenAiRequestBody.Parse(body, endpoint.RequiredArray, endpoint.RequiredInput, out var parseError);
        if (request is null)
        {
            return parseError;
        }
        context.Stream = endpoint.CanStream && request.Stream;
        if (RouteResolution.Resolve(runtime, context, request.Model) is { } routeError)
        {
            return routeError;
        }
        var route = context.Route!;
        var upstreamBody = new ArrayBufferWriter<byte>(body.Length + 64);
        request.WriteUpstreamBody(upstreamBody, route.UpstreamModel);

        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(route.Channel.BaseUrl, endpoint.UpstreamPath))
        {
            Content = new ReadOnlyMemoryContent(upstreamBody.WrittenMemory),
            Version = System.Net.HttpVersion.Version11,
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (route.Channel.NextKey() is { } channelKey)
        {
            message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + channelKey);
        }
        foreach (var (name, value) in route.Channel.Config.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
        message.Headers.Accept.ParseAdd(context.Stream ? "text/event-stream" : "application/json");

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        deadline.CancelAfter(runtime.Config.Router.RequestTimeout);
        using var firstByte = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        firstByte.CancelAfter(runtime.Config.Router.FirstByteTimeout);

        HttpResponseMessage response;
        try
        {
            response = await context.TimeUpstreamAsync(upstream.Invoker.SendAsync(message, firstByte.Token));
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            return Timeout(firstByte.IsCancellationRequested && !deadline.IsCancellationRequested ? "first_byte_timeout" : "request_timeout");
        }
        catch (HttpRequestException e)
        {
            return new RelayError(RelayErrorKind.UpstreamUnreachable, 502,
                $"The upstream channel '{route.Channel.Name}' could not be reached: {e.HttpRequestError}.", AllowFallback: true);
        }
        using (response)
        {
            http.Response.Headers["x-switchyard-model"] = route.UpstreamModel;
            if (!response.IsSuccessStatusCode)
            {
                return await UpstreamFailureAsync(response, route.Channel.Name, deadline.Token);
            }
            try
            {
                if (context.Stream)
                {
                    return await OpenAiStreamRelay.RelayAsync(http, response, context, request.ClientWantsUsage, deadline.Token, aborted);
                }
                var bytes = await context.TimeUpstreamAsync(response.Content.ReadAsByteArrayAsync(deadline.Token));
                if (OpenAiUsageReader.TryRead(bytes, out var usage, out _))
                {
                    context.Usage = usage;
                }
                http.Response.StatusCode = (int)response.StatusCode;
                http.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
                http.Response.ContentLength = bytes.Length;
                WriteOverhead(http.Response, context);
                context.MarkFirstByte();
                await http.Response.Body.WriteAsync(bytes, aborted);
                return null;
            }
            catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
            {
                return Timeout("request_timeout");
            }
        }
    }

    private static RelayError Timeout(string which) =>
        new(RelayErrorKind.UpstreamTimeout, 504, $"The upstream did not answer in time (router.{which}).", AllowFallback: true);

    /// <summary>
    /// Upstream 4xx/5xx reach the client in OpenAI's shape with the upstream's status, except 401/403:
    /// those concern the channel's credentials, not the client's, so they become a 502 that says so.
    /// </summary>
    private static async Task<RelayError> UpstreamFailureAsync(HttpResponseMessage response, string channel, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        byte[] body;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxUpstreamErrorBytes];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
            {
                read += n;
            }
            body = buffer[..read];
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            body = [];
        }
        if (status is 401 or 403)
        {
            return new RelayError(RelayErrorKind.UpstreamError, 502,
                $"The upstream channel '{channel}' rejected its credentials (status {status}).", AllowFallback: true) { Code = "upstream_auth_failed" };
        }
        var retryable = status is 408 or 429 or >= 500;
        if (OpenAiErrors.IsOpenAiErrorBody(body))
        {
            return new RelayError(RelayErrorKind.UpstreamError, status, $"Upstream returned status {status}.", retryable) { UpstreamBody = body };
        }
        var text = System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 512))).Trim();
        return new RelayError(RelayErrorKind.UpstreamError, status,
            text.Length == 0 ? $"Upstream returned status {status}." : $"Upstream returned status {status}: {text}", retryable);
    }

    private static void WriteOverhead(HttpResponse response, RelayContext context) =>
        response.Headers["x-switchyard-overhead-ms"] = context.OverheadMs.ToString("0.###", CultureInfo.InvariantCulture);

    internal static void WriteOverheadHeader(HttpResponse response, RelayContext context) => WriteOverhead(response, context);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Request {RequestId} failed inside the gateway")]
    private static partial void LogRelayFailed(ILogger logger, string requestId, Exception exception);
}
