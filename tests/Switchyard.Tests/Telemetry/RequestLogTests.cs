using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Security;
using Switchyard.Telemetry.Logging;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Telemetry;

public sealed class RequestLogTests
{
    [Fact]
    public void Formatter_writes_one_json_line_with_snake_case_fields_and_redacts_every_string()
    {
        var formatter = new JsonLogFormatter(new Redactor([], ["odd-shaped-upstream-secret"]), TimeProvider.System);
        var line = formatter.Format(LogLevel.Warning, "Switchyard.Relay", new EventId(7), "upstream said: bad key sk-ant-api03-abcdefgh12345678",
            [new("RequestId", "req_1"), new("Status", 401), new("CostUsd", 0.25m), new("Detail", "odd-shaped-upstream-secret was refused"), new("{OriginalFormat}", "x")],
            new InvalidOperationException("Authorization: Bearer abcdefgh12345678 rejected"));

        Assert.EndsWith(Environment.NewLine, line, StringComparison.Ordinal);
        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal("warn", json.GetProperty("level").GetString());
        Assert.Equal("Switchyard.Relay", json.GetProperty("category").GetString());
        Assert.Equal(7, json.GetProperty("event_id").GetInt32());
        Assert.Equal("upstream said: bad key [REDACTED]", json.GetProperty("message").GetString());
        Assert.Equal("req_1", json.GetProperty("request_id").GetString());
        Assert.Equal(401, json.GetProperty("status").GetInt32());
        Assert.Equal(0.25m, json.GetProperty("cost_usd").GetDecimal());
        Assert.Equal("[REDACTED] was refused", json.GetProperty("detail").GetString());
        Assert.False(json.TryGetProperty("{OriginalFormat}", out _));
        Assert.Contains("Authorization: Bearer [REDACTED] rejected", json.GetProperty("exception").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scripted_run_logs_one_line_per_request_and_no_secret_anywhere()
    {
        var lines = new ConcurrentQueue<string>();
        await using var gateway = await GatewayHarness.StartAsync(
            customize: c => c with
            {
                Router = c.Router with { NumRetries = 1 },
                Channels = [.. c.Channels, new ChannelConfig
                {
                    Name = "refusing",
                    Type = "openai",
                    BaseUrl = c.Channels[0].BaseUrl,
                    Keys = ["mock-invalid-key"],
                    Models = ["gpt-4o"],
                    Priority = 10,
                    Headers = new Dictionary<string, string> { ["X-Tenant-Token"] = "tenant-header-secret-77" },
                }],
                Keys = [.. c.Keys.Select(k => k.Name == "narrow-key" ? k with { Limits = new LimitsConfig { Rpm = 1 } } : k)],
                Metrics = new MetricsConfig { Token = "metrics-token-for-the-log-test" },
            },
            logging: builder =>
            {
                builder.SetMinimumLevel(LogLevel.Trace);
                builder.AddFilter("Microsoft", LogLevel.Debug);
                builder.Services.AddSingleton<ILoggerProvider>(sp => new CapturingProvider(
                    sp.GetRequiredService<JsonLogFormatter>(), lines));
            });

        async Task<HttpStatusCode> Chat(string model, string? key = GatewayHarness.ClientKey, bool stream = false)
        {
            using var response = await gateway.Http.SendAsync(gateway.Post("/v1/chat/completions",
                $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"log this"}]}""", key));
            await response.Content.ReadAsStringAsync();
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await Chat("gpt-4o-mini"));
        Assert.Equal(HttpStatusCode.OK, await Chat("gpt-4o-mini", stream: true));
        Assert.Equal(HttpStatusCode.OK, await Chat("gpt-4o")); // the refusing channel's key answers 401 first
        Assert.Equal(HttpStatusCode.BadGateway, await Chat("dead-model"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Chat("gpt-4o-mini", key: "sk-sy-not-a-real-key-0000000000000000000"));
        Assert.Equal(HttpStatusCode.OK, await Chat("gpt-4o-mini", key: GatewayHarness.NarrowKey));
        Assert.Equal((HttpStatusCode)429, await Chat("gpt-4o-mini", key: GatewayHarness.NarrowKey));
        using (var admin = new HttpRequestMessage(HttpMethod.Get, "/admin/keys"))
        {
            admin.Headers.Authorization = new("Bearer", GatewayHarness.MasterKey);
            using var answer = await gateway.Http.SendAsync(admin);
        }
        // Each request's line is written before its ledger record is queued.
        var ledger = await gateway.LedgerAsync(7);

        var all = lines.ToArray();
        Assert.NotEmpty(all);
        foreach (var secret in new[]
        {
            GatewayHarness.ClientKey, GatewayHarness.NarrowKey, GatewayHarness.MasterKey, "sk-sy-not-a-real-key-0000000000000000000",
            "mock-upstream-key", "anthropic-upstream-key", "nobody-home", "mock-invalid-key", "tenant-header-secret-77", "metrics-token-for-the-log-test",
        })
        {
            Assert.DoesNotContain(all, line => line.Contains(secret, StringComparison.Ordinal));
        }

        var requests = all.Select(l => JsonDocument.Parse(l).RootElement)
            .Where(j => j.GetProperty("category").GetString() == RequestLog.Category).ToList();
        Assert.Equal(7, requests.Count);
        Assert.All(requests, r => Assert.Equal("info", r.GetProperty("level").GetString()));
        Assert.Equal(ledger.Select(r => r.RequestId).Order(), requests.Select(r => r.GetProperty("request_id").GetString()).Order());
        var retried = Assert.Single(requests, r => r.GetProperty("requested_model").GetString() == "gpt-4o");
        Assert.Equal("client-key", retried.GetProperty("key_name").GetString());
        Assert.Equal("team", retried.GetProperty("group").GetString());
        Assert.Equal("gpt-4o", retried.GetProperty("served_model").GetString());
        Assert.Equal("mock", retried.GetProperty("channel").GetString());
        Assert.Equal(200, retried.GetProperty("status").GetInt32());
        Assert.Equal(2, retried.GetProperty("attempts").GetInt32());
        var record = ledger.Single(r => r.RequestedModel == "gpt-4o");
        Assert.Equal(record.Usage.Input, retried.GetProperty("input_tokens").GetInt64());
        Assert.Equal(record.Usage.Output, retried.GetProperty("output_tokens").GetInt64());
        Assert.Equal(record.CostUsd, retried.GetProperty("cost_usd").GetDecimal());
        Assert.Equal(record.LatencyMs, retried.GetProperty("latency_ms").GetInt64());
        Assert.Single(requests, r => r.GetProperty("error_kind").GetString() == "rate_limited" && r.GetProperty("status").GetInt32() == 429);
        Assert.Single(requests, r => r.GetProperty("error_kind").GetString() == "invalid_key" && r.GetProperty("key_name").ValueKind == JsonValueKind.Null);
    }

    /// <summary>Formats every entry exactly as the console would, into memory.</summary>
    private sealed class CapturingProvider(JsonLogFormatter formatter, ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capturing(formatter, categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class Capturing(JsonLogFormatter formatter, string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> format)
            {
                var message = format(state, exception);
                if (message is null && exception is null)
                {
                    return;
                }
                if (formatter.Format(logLevel, category, eventId, message, state as IReadOnlyList<KeyValuePair<string, object?>>, exception) is { Length: > 0 } line)
                {
                    lines.Enqueue(line.TrimEnd());
                }
            }
        }
    }
}
