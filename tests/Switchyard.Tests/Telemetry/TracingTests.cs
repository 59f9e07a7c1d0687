using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Telemetry.Tracing;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Telemetry;

/// <summary>Spans and metrics pushed over OTLP to a receiver inside the test.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task A_fallback_request_gives_one_server_span_with_an_attempt_span_per_upstream_call()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(customize: c => c with
        {
            Router = c.Router with { NumRetries = 1 },
            Models = [.. c.Models, new ModelConfig { Name = "dead-model", Fallbacks = ["gpt-4o-mini"] }],
            Telemetry = new TelemetryConfig { OtlpEndpoint = receiver.Address.ToString(), ExportInterval = TimeSpan.FromMinutes(10) },
        });
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var callerSpan = ActivitySpanId.CreateRandom().ToHexString();
        using var request = gateway.Post("/v1/chat/completions", """{"model":"dead-model","messages":[{"role":"user","content":"trace me please"}]}""");
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01");

        using var response = await gateway.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await response.Content.ReadAsStringAsync();
        await gateway.LedgerAsync(1);
        await gateway.Host.Services.GetRequiredService<OtlpExport>().FlushAsync();

        var spans = receiver.Spans().Where(s => s.TraceId == traceId).ToList();
        var server = Assert.Single(spans, s => s.Kind == 2);
        Assert.Equal(callerSpan, server.ParentSpanId);
        Assert.Equal("chat dead-model", server.Name);
        Assert.Equal("dead-model", server.Attributes["gen_ai.request.model"]);
        Assert.Equal("gpt-4o-mini", server.Attributes["gen_ai.response.model"]);
        Assert.Equal("openai", server.Attributes["gen_ai.system"]);
        Assert.Equal("mock", server.Attributes["switchyard.channel"]);
        Assert.Equal("dead-model", server.Attributes["switchyard.fallback_from"]);
        Assert.True((long)server.Attributes["gen_ai.usage.input_tokens"] > 0);
        Assert.True((long)server.Attributes["gen_ai.usage.output_tokens"] > 0);
        Assert.Equal(("chat", "chat.completions", 3L, 200L), ((string)server.Attributes["gen_ai.operation.name"], (string)server.Attributes["switchyard.protocol"],
            (long)server.Attributes["switchyard.attempts"], (long)server.Attributes["http.response.status_code"]));
        Assert.Equal(response.Headers.GetValues("x-request-id").Single(), server.Attributes["switchyard.request_id"]);
        Assert.Equal(("client-key", "team"), ((string)server.Attributes["switchyard.key"], (string)server.Attributes["switchyard.group"]));
        Assert.True((double)server.Attributes["switchyard.cost_usd"] > 0);
        Assert.False(server.Attributes.ContainsKey("error.type"));

        var attempts = spans.Where(s => s.Kind == 3).OrderBy(s => (long)s.Attributes["switchyard.attempt"]).ToList();
        Assert.Equal(3, attempts.Count);
        Assert.All(attempts, a => Assert.Equal(server.SpanId, a.ParentSpanId));
        Assert.Equal([("unreachable", false, 502L), ("unreachable", false, 502L), ("mock", true, 200L)],
            attempts.Select(a => ((string)a.Attributes["switchyard.channel"], (bool)a.Attributes["switchyard.fallback"], (long)a.Attributes["http.response.status_code"])));
        Assert.Equal("upstream_unreachable", attempts[0].Attributes["error.type"]);
        Assert.Equal(["chat dead-model", "chat dead-model", "chat gpt-4o-mini"], attempts.Select(a => a.Name));
        Assert.Equal(("127.0.0.1", 9L, "chat", "openai"), ((string)attempts[0].Attributes["server.address"], (long)attempts[0].Attributes["server.port"],
            (string)attempts[0].Attributes["gen_ai.operation.name"], (string)attempts[0].Attributes["gen_ai.system"]));
        Assert.False(attempts[0].Attributes.ContainsKey("gen_ai.response.model"));
        Assert.Equal("gpt-4o-mini", attempts[2].Attributes["gen_ai.request.model"]);
        Assert.Equal("gpt-4o-mini", attempts[2].Attributes["gen_ai.response.model"]);
        Assert.Equal(server.Attributes["gen_ai.usage.output_tokens"], attempts[2].Attributes["gen_ai.usage.output_tokens"]);

        // The upstream got the trace context of the attempt that called it.
        var upstream = Assert.Single(gateway.Mock.Requests);
        Assert.Equal($"00-{traceId}-{attempts[2].SpanId}-01", upstream.Headers["traceparent"]);

        // Metrics go to the same collector, from the aggregation /metrics serves: one request, counted once.
        var (resource, _, metrics) = OtlpMetric.Decode(receiver.Metrics.Last());
        Assert.Equal("switchyard", resource["service.name"]);
        var counted = Assert.Single(Assert.Single(metrics, m => m.Name == "switchyard.requests").Points);
        Assert.Equal((1L, "gpt-4o-mini", "mock", "success"), (counted.Integer, counted.Attributes["model"], counted.Attributes["channel"], counted.Attributes["outcome"]));
        var duration = Assert.Single(metrics, m => m.Name == "gen_ai.client.operation.duration");
        Assert.Equal(1UL, Assert.Single(duration.Points).Count);
        Assert.Contains(metrics, m => m.Name == "process.cpu.seconds");
        var scraped = await gateway.Http.GetStringAsync("/metrics");
        Assert.Contains($"switchyard_requests_total{{protocol=\"{counted.Attributes["protocol"]}\",model=\"gpt-4o-mini\",channel=\"mock\",", scraped, StringComparison.Ordinal);
        // The exporter reports what it had to drop: nothing here.
        Assert.Contains("switchyard_telemetry_spans_dropped_total 0\n", scraped, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_logging_on_and_no_traceparent_the_request_is_still_traced_as_a_root_span()
    {
        // With its hosting diagnostics logger enabled, ASP.NET Core starts its own (unexported, unrecorded) activity per request.
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(
            customize: c => c with { Telemetry = new TelemetryConfig { OtlpEndpoint = receiver.Address.ToString(), ExportInterval = TimeSpan.FromMinutes(10) } },
            logging: builder => builder.AddProvider(new EnabledLoggerProvider()).AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Trace));

        using var response = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await gateway.LedgerAsync(1);
        await gateway.Host.Services.GetRequiredService<OtlpExport>().FlushAsync();

        // The ActivitySource is process-wide: gateways of tests running alongside export here too, so find ours by id.
        var requestId = response.Headers.GetValues("x-request-id").Single();
        var spans = receiver.Spans();
        var server = Assert.Single(spans, s => s.Kind == 2 && (string)s.Attributes["switchyard.request_id"] == requestId);
        Assert.Equal("", server.ParentSpanId);
        var attempt = Assert.Single(spans, s => s.Kind == 3 && s.TraceId == server.TraceId);
        Assert.Equal(server.TraceId, attempt.TraceId);
        Assert.Equal(server.SpanId, attempt.ParentSpanId);
        Assert.Equal($"00-{server.TraceId}-{attempt.SpanId}-01", Assert.Single(gateway.Mock.Requests).Headers["traceparent"]);
    }

    [Fact]
    public async Task Without_an_endpoint_the_exporter_stays_off()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        Assert.False(gateway.Host.Services.GetRequiredService<OtlpExport>().Enabled);
        using var response = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
