using System.Buffers;
using Switchyard.Configuration;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols;
using Switchyard.Resilience;
using Switchyard.Routing;

namespace Switchyard.Relay;

/// <summary>
/// Attempts: pick a channel and key, send, and on a retryable failure before any byte reached the client try
/// another key or channel, then the model's fallbacks. Each outcome feeds the key's health.
/// </summary>
public sealed partial class ChatRelay
{
    private async Task<GatewayError?> DispatchAsync(Microsoft.AspNetCore.Http.HttpContext http, ClientProtocol protocol, RequestEnvelope envelope, RelayContext context)
    {
        var router = runtime.Config.Router;
        var chain = RouteResolution.Chain(runtime, context);
        var tried = new HashSet<KeyHealth>();
        ChatRequest? canonical = null;
        GatewayError? lastError = null;
        var attemptsLeft = router.NumRetries + 1;
        for (var link = 0; link < chain.Count; link++)
        {
            var (requested, modelCanonical) = chain[link];
            var attemptsOnModel = 0;
            var candidates = RouteResolution.Candidates(runtime, context, requested, modelCanonical);
            if (link > 0)
            {
                // A fallback model gets a fresh attempt budget: its channels are different upstreams.
                attemptsLeft = router.NumRetries + 1;
                context.FallbackFrom = context.RequestedModel;
            }
            while (attemptsLeft-- > 0)
            {
                var route = runtime.Selector.Pick(candidates, tried);
                var key = route?.Channel.AcquireKey(tried);
                if ((route is null || key is null) && lastError is { AllowFallback: true } && tried.Count > 0)
                {
                    // Every usable key was tried once: retry the same targets after a jittered backoff.
                    await Task.Delay(Backoff(router.NumRetries + 1 - attemptsLeft), time, http.RequestAborted);
                    tried.Clear();
                    route = runtime.Selector.Pick(candidates, tried);
                    key = route?.Channel.AcquireKey(tried);
                }
                if (route is null || key is null)
                {
                    break;
                }
                tried.Add(key.Health);
                if (attemptsOnModel++ > 0)
                {
                    metrics.OnRetry(modelCanonical, route.Channel.Name);
                }
                else if (link > 0)
                {
                    metrics.OnFallback(chain[0].Canonical, modelCanonical);
                }
                context.Route = route;
                context.CanonicalModel = modelCanonical;
                http.Response.Headers["x-switchyard-model"] = route.UpstreamModel;
                if (context.FallbackFrom is not null)
                {
                    http.Response.Headers["x-switchyard-fallback-from"] = context.FallbackFrom;
                    http.Response.Headers["x-switchyard-fallback-reason"] = lastError?.LedgerName ?? "no_channel";
                }
                var (outcome, error) = await AttemptAsync(http, protocol, envelope, context, route, key, canonical);
                canonical = outcome.Canonical ?? canonical;
                if (outcome.Final)
                {
                    return error;
                }
                lastError = error;
            }
        }
        if (lastError is not null)
        {
            return lastError;
        }
        context.Route = null;
        return context.Refuse(new GatewayError(GatewayErrorKind.NoChannel, 503,
            $"No channel open to group '{context.Key!.Group}' can serve the model '{context.RequestedModel}' right now.")
        { Param = "model" });
    }

    private readonly record struct AttemptOutcome(bool Final, ChatRequest? Canonical);

    /// <summary>100 ms doubling per attempt, capped at 2 s, with ±50% jitter so retrying clients do not align.</summary>
    private static TimeSpan Backoff(int attempt)
    {
        var baseMs = Math.Min(2000, 100 * (1 << Math.Clamp(attempt - 1, 0, 5)));
        return TimeSpan.FromMilliseconds(baseMs * (0.5 + Random.Shared.NextDouble()));
    }

    private async Task<(AttemptOutcome Outcome, GatewayError? Error)> AttemptAsync(Microsoft.AspNetCore.Http.HttpContext http, ClientProtocol protocol,
        RequestEnvelope envelope, RelayContext context, ChannelRoute route, ChannelKey key, ChatRequest? canonical)
    {
        var started = time.GetTimestamp();
        var sent = context.Attempts.Count;
        var fallback = context.FallbackFrom is not null;
        var span = Telemetry.Tracing.GatewayTracing.StartAttempt(sent + 1);
        try
        {
            return await AttemptCoreAsync(http, protocol, envelope, context, route, key, canonical, started, span);
        }
        finally
        {
            // Answered locally or refused before sending: no attempt was recorded.
            var last = context.Attempts.Count > sent ? context.Attempts[^1] : null;
            Telemetry.Tracing.GatewayTracing.EndAttempt(span, route, sent + 1, fallback, last?.Status ?? 0, last is null ? "not_sent" : last.ErrorKind, context.Usage);
        }
    }

    private async Task<(AttemptOutcome Outcome, GatewayError? Error)> AttemptCoreAsync(Microsoft.AspNetCore.Http.HttpContext http, ClientProtocol protocol,
        RequestEnvelope envelope, RelayContext context, ChannelRoute route, ChannelKey key, ChatRequest? canonical, long started, System.Diagnostics.Activity? span)
    {
        HttpRequestMessage message;
        Func<HttpResponseMessage, UpstreamCall, Task<GatewayError?>> relay;
        Func<int, byte[], bool, GatewayError> readError;
        var maxBody = runtime.Config.Server.MaxUpstreamBodyBytes;
        if (protocol.IsNative(route.Channel.Config))
        {
            var body = new ArrayBufferWriter<byte>(envelope.Body.Length + 64);
            protocol.WriteUpstreamBody(envelope, route.UpstreamModel, body);
            message = NewMessage(route, protocol.UpstreamPathFor(envelope, route.UpstreamModel), body.WrittenMemory, context.Stream, context.Hops);
            protocol.AddUpstreamHeaders(message, http.Request, key.Secret);
            relay = (response, call) => FastPathExchange.RelayAsync(http, response, call, protocol, envelope, context, maxBody, redactor);
            readError = (status, bytes, whole) => UpstreamErrorClassifier.Classify(status, bytes, route.Channel.Name,
                whole && bytes.Length <= UpstreamCall.MaxErrorBytes && protocol.IsOwnErrorShape(bytes));
        }
        else if (protocol.Bridge(envelope, route.Channel.Config, route.UpstreamModel, out var bridgeError) is { } bridged
            && _providers.TryGetValue(route.Channel.Config.Type, out var bridgeProvider))
        {
            message = NewMessage(route, bridged.Path, bridged.Body, stream: false, context.Hops);
            bridgeProvider.AddHeaders(message, key.Secret);
            relay = (response, call) => BridgedExchange.RelayAsync(http, response, call, bridged, context, maxBody);
            readError = (status, bytes, _) => UpstreamErrorClassifier.Classify(status, bytes, route.Channel.Name, passBodyThrough: false);
        }
        else if (bridgeError is not null)
        {
            key.Health.Release();
            return (new AttemptOutcome(true, canonical), context.Refuse(bridgeError));
        }
        else
        {
            if (protocol.LocalAnswer is { } answer && protocol.Codec is { } localCodec)
            {
                key.Health.Release();
                return (new AttemptOutcome(true, canonical), await AnswerLocallyAsync(http, localCodec, answer, envelope, context));
            }
            if (protocol.Codec is not { } codec || !_providers.TryGetValue(ProviderName(route.Channel.Config), out var provider))
            {
                key.Health.Release();
                return (new AttemptOutcome(true, canonical), context.Refuse(new GatewayError(GatewayErrorKind.InvalidRequest, 400,
                    $"The model '{envelope.Model}' is served by a '{route.Channel.Config.Type}' channel, which cannot answer this endpoint.")
                { Param = "model" }));
            }
            if (canonical is null)
            {
                canonical = codec.ReadRequest(envelope.Body, out var convertError);
                if (canonical is null)
                {
                    key.Health.Release();
                    return (new AttemptOutcome(true, null), context.Refuse(convertError));
                }
                // Protocols that name the model in the URL (Gemini) leave it out of the body.
                canonical = canonical with { Stream = context.Stream, Model = canonical.Model.Length > 0 ? canonical.Model : envelope.Model };
            }
            var request = HostedToolPlan.Apply(canonical, route.Channel.Config, provider, http.Response, context);
            if (provider.Refuse(request) is { } refusal)
            {
                key.Health.Release();
                return (new AttemptOutcome(true, canonical), context.Refuse(refusal));
            }
            var body = new ArrayBufferWriter<byte>(1024);
            provider.WriteRequest(body, request, route.UpstreamModel);
            message = NewMessage(route, provider.RequestPath(request, route.UpstreamModel), body.WrittenMemory, context.Stream, context.Hops);
            provider.AddHeaders(message, key.Secret);
            relay = (response, call) => ConvertedExchange.RelayAsync(http, response, call, protocol, codec, provider, request, context, maxBody, redactor);
            readError = (status, bytes, _) => provider.ReadError(status, bytes);
        }

        if (span is not null)
        {
            Telemetry.Tracing.GatewayTracing.Propagate(message);
        }
        using (message)
        {
            var router = runtime.Config.Router;
            using var call = new UpstreamCall(router.RequestTimeout, router.StreamIdleTimeout, http.RequestAborted);
            var (response, sendError) = await call.SendAsync(upstream.Invoker, message, router.FirstByteTimeout, context, route.Channel.Name);
            if (response is null)
            {
                if (call.ClientGone)
                {
                    key.Health.Release();
                    return (new AttemptOutcome(true, canonical), StreamErrors.ClientLeft);
                }
                Record(context, route, key, sendError!, started);
                key.Health.OnFailure(context.Key!.Group);
                return (new AttemptOutcome(false, canonical), sendError);
            }
            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    var status = (int)response.StatusCode;
                    var (errorBody, whole) = await call.ReadErrorBodyAsync(response);
                    // Every byte of an upstream's error passes the redactor before it is quoted or relayed: upstreams
                    // echo the credentials they were sent.
                    var error = readError(status, redactor.RedactBody(errorBody).ToArray(), whole);
                    Record(context, route, key, error, started);
                    UpdateHealth(key.Health, error.Code == "upstream_auth_failed" ? 401 : status, response.Headers.RetryAfter, context.Key!.Group);
                    // Client errors are the request's fault: another upstream would refuse it too.
                    return (new AttemptOutcome(!error.AllowFallback, canonical), error);
                }
                key.Health.OnSuccess(context.Key!.Group);
                context.UpstreamAnswered = true;
                GatewayError? relayError;
                try
                {
                    relayError = await relay(response, call);
                }
                catch (OperationCanceledException) when (!call.ClientGone)
                {
                    relayError = UpstreamCall.Timeout("request_timeout");
                }
                var latency = Elapsed(started);
                metrics.OnAttempt(route.Channel.Name, route.UpstreamModel, relayError?.Status ?? 200, time.GetElapsedTime(started).TotalSeconds);
                key.Health.Stats.Record(relayError is null || relayError.Kind == GatewayErrorKind.ClientDisconnected, latency);
                context.Attempts.Add(new Attempt(route.Channel.Name, key.Health.Id, route.UpstreamModel,
                    relayError?.Status ?? 200, latency, relayError?.LedgerName, HintOf(key), Attempt.TextOf(relayError)));
                return (new AttemptOutcome(true, canonical), relayError);
            }
        }
    }

    /// <summary>The adapter for converted requests: <c>openai</c> channels that speak the Responses API are sent it.</summary>
    private static string ProviderName(Configuration.ChannelConfig channel) =>
        channel.Family == ChannelFamily.OpenAi && channel.Responses ? Providers.OpenAiResponses.ResponsesProvider.ProviderName : channel.Type;

    private static async Task<GatewayError?> AnswerLocallyAsync(Microsoft.AspNetCore.Http.HttpContext http, IClientCodec codec,
        Action<ChatRequest, IBufferWriter<byte>> answer, RequestEnvelope envelope, RelayContext context)
    {
        var request = codec.ReadRequest(envelope.Body, out var error);
        if (request is null)
        {
            return error;
        }
        var body = new ArrayBufferWriter<byte>(64);
        answer(request, body);
        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json";
        RelayHeaders.WriteOverhead(http.Response, context);
        context.MarkFirstByte();
        await context.BeforeAnswerAsync();
        await http.Response.Body.WriteAsync(body.WrittenMemory, http.RequestAborted);
        return null;
    }

    /// <param name="caller">The caller's group: one tenant's failures alone do not open a key others use successfully.</param>
    private static void UpdateHealth(KeyHealth health, int status, System.Net.Http.Headers.RetryConditionHeaderValue? retryAfter, string caller)
    {
        switch (status)
        {
            case 401 or 403:
                health.Disable($"the upstream answered {status} to this key");
                break;
            case 429:
                health.OnRateLimited(retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null));
                break;
            case 408 or >= 500:
                health.OnFailure(caller);
                break;
            default:
                health.Release();
                break;
        }
    }

    private void Record(RelayContext context, ChannelRoute route, ChannelKey key, GatewayError error, long started)
    {
        var latency = Elapsed(started);
        metrics.OnAttempt(route.Channel.Name, route.UpstreamModel, error.Status, time.GetElapsedTime(started).TotalSeconds);
        key.Health.Stats.Record(ok: !error.AllowFallback, latency);
        context.Attempts.Add(new Attempt(route.Channel.Name, key.Health.Id, route.UpstreamModel, error.Status, latency, error.LedgerName,
            HintOf(key), Attempt.TextOf(error)));
    }

    /// <summary>What the ledger shows of the upstream key an attempt used: its hint, never the key.</summary>
    private static string? HintOf(ChannelKey key) => key.Secret is { } secret ? Security.SecretCipher.Hint(secret) : null;

    private long Elapsed(long started) => (long)time.GetElapsedTime(started).TotalMilliseconds;
}
