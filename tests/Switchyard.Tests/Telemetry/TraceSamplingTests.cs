using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Telemetry.Tracing;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Telemetry;

/// <summary>
/// telemetry.trace_sample_ratio: requests without a traceparent are traced at that ratio, a caller's sampled flag is
/// always followed. Runs alone: the ActivitySource is process-wide, so another test's tracer (ratio 1) running at the
/// same time would record these requests' spans too.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class TraceSamplingTests
{
    [Fact]
    public async Task RatioZero_TracesOnlyCallersWhoAskForIt()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(customize: c => c with
        {
            Telemetry = new TelemetryConfig { OtlpEndpoint = receiver.Address.ToString(), ExportInterval = TimeSpan.FromMinutes(10), TraceSampleRatio = 0 },
        });

        async Task<string> SendAsync(string? traceparent)
        {
            using var request = gateway.Post("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""");
            if (traceparent is not null)
            {
                request.Headers.Add("traceparent", traceparent);
            }
            using var response = await gateway.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response.Headers.GetValues("x-request-id").Single();
        }

        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var plain = await SendAsync(null);
        var unsampled = await SendAsync($"00-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())}-00f067aa0ba902b7-00");
        var asked = await SendAsync($"00-{traceId}-00f067aa0ba902b7-01");
        await gateway.LedgerAsync(3);
        await gateway.Host.Services.GetRequiredService<OtlpExport>().FlushAsync();

        var servers = receiver.Spans().Where(s => s.Kind == 2).Select(s => (string)s.Attributes["switchyard.request_id"]).ToList();
        Assert.Equal([asked], servers);
        Assert.Equal(traceId, receiver.Spans().Single(s => s.Kind == 2).TraceId);
        Assert.DoesNotContain(plain, servers);
        Assert.DoesNotContain(unsampled, servers);
    }

    [Fact]
    public async Task A_request_left_out_by_the_ratio_leaves_out_its_attempt_spans_too()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(customize: c => c with
        {
            Telemetry = new TelemetryConfig { OtlpEndpoint = receiver.Address.ToString(), ExportInterval = TimeSpan.FromMinutes(10), TraceSampleRatio = 0.5 },
        });

        for (var i = 0; i < 40; i++)
        {
            using var response = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await gateway.LedgerAsync(40);
        await gateway.Host.Services.GetRequiredService<OtlpExport>().FlushAsync();

        var spans = receiver.Spans();
        var servers = spans.Where(s => s.Kind == 2).ToList();
        var attempts = spans.Where(s => s.Kind == 3).ToList();
        // About half the requests are traced; each traced one has its attempt span and no attempt span stands alone.
        Assert.InRange(servers.Count, 5, 35);
        Assert.Equal(servers.Count, attempts.Count);
        Assert.All(attempts, a => Assert.Contains(servers, s => s.SpanId == a.ParentSpanId && s.TraceId == a.TraceId));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RatioZero_StillTracesAFallbackAndAFailure_UnlessTraceFailuresIsOff(bool traceFailures)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(customize: c => c with
        {
            Router = c.Router with { NumRetries = 1 },
            Models = [.. c.Models, new ModelConfig { Name = "dead-model", Fallbacks = ["gpt-4o-mini"] }],
            Telemetry = new TelemetryConfig
            {
                OtlpEndpoint = receiver.Address.ToString(),
                ExportInterval = TimeSpan.FromMinutes(10),
                TraceSampleRatio = 0,
                TraceFailures = traceFailures,
            },
        });

        async Task<string> SendAsync(string body, HttpStatusCode expected)
        {
            using var response = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", body));
            Assert.Equal(expected, response.StatusCode);
            return response.Headers.GetValues("x-request-id").Single();
        }

        var plain = await SendAsync("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", HttpStatusCode.OK);
        var fellBack = await SendAsync("""{"model":"dead-model","messages":[{"role":"user","content":"hi"}]}""", HttpStatusCode.OK);
        var failed = await SendAsync("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi [mock:status=400]"}]}""", HttpStatusCode.BadRequest);
        await gateway.LedgerAsync(3);
        await gateway.Host.Services.GetRequiredService<OtlpExport>().FlushAsync();

        var spans = receiver.Spans();
        var servers = spans.Where(s => s.Kind == 2).ToDictionary(s => (string)s.Attributes["switchyard.request_id"]);
        if (!traceFailures)
        {
            Assert.Empty(spans);
            return;
        }
        Assert.Equal(new[] { failed, fellBack }.Order(StringComparer.Ordinal), servers.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(plain, servers.Keys);
        // The fallback's whole story: two failed attempts on the dead channel, then the one that answered.
        var fallbackAttempts = spans.Where(s => s.Kind == 3 && s.ParentSpanId == servers[fellBack].SpanId).ToList();
        Assert.Equal(3, fallbackAttempts.Count);
        Assert.Single(spans, s => s.Kind == 3 && s.ParentSpanId == servers[failed].SpanId);
        Assert.True(servers[failed].Attributes.ContainsKey("error.type"));
    }

    [Fact]
    public async Task With_tracing_off_no_traceparent_goes_upstream_even_inside_an_ambient_activity()
    {
        // Hosting diagnostics logging on makes ASP.NET Core start an activity for the request, from the caller's header.
        await using var gateway = await GatewayHarness.StartAsync(
            logging: builder => builder.AddProvider(new EnabledLoggerProvider()).AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Trace));
        using var request = gateway.Post("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""");
        request.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01");

        using var response = await gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // A span id of an activity nobody exports would make the upstream's spans children of a span that never existed.
        Assert.False(Assert.Single(gateway.Mock.Requests).Headers.ContainsKey("traceparent"));
    }
}
