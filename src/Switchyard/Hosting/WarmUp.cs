using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.MockUpstream;

namespace Switchyard.Hosting;

/// <summary>
/// Runs the request path for <c>server.warm_up</c> before the gateway listens: a throwaway gateway (the demo's config,
/// its own SQLite database in a temporary folder, its log written nowhere, its own metrics) relays chat, stream and
/// Messages requests, native and converted, to the in-process mock upstream over loopback. The compiled code is the
/// process's, so the real gateway starts with its hot paths already compiled (and re-compiled with the profile tiered
/// PGO gathers) instead of paying for that in its first seconds of traffic; nothing of the throwaway one is left
/// behind: no ledger record, metric, log line or quota count of the real gateway's.
/// </summary>
internal static partial class WarmUp
{
    /// <summary>Loopback connections, each sending every kind of request in turn (at least once each, however short the warm-up).</summary>
    internal const int Connections = 2;

    internal static int RequestKinds => Requests.Length;

    /// <summary>What each loop sends in turn: path, body, and whose way of presenting the key (OpenAI, Anthropic, Gemini).</summary>
    private static readonly (string Path, string Body, char Client)[] Requests =
    [
        ("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Warm up, please."}],"max_tokens":32}""", 'o'),
        ("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Warm up, please."}],"max_tokens":32,"stream":true,"stream_options":{"include_usage":true}}""", 'o'),
        ("/v1/messages", """{"model":"claude-sonnet-4-5","max_tokens":32,"messages":[{"role":"user","content":"Warm up, please."}]}""", 'a'),
        ("/v1/messages", """{"model":"claude-sonnet-4-5","max_tokens":32,"stream":true,"messages":[{"role":"user","content":"Warm up, please."}]}""", 'a'),
        ("/v1/messages", """{"model":"gpt-4o-mini","max_tokens":32,"messages":[{"role":"user","content":"Warm up, please."}]}""", 'a'),
        ("/v1/chat/completions", """{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"Warm up, please."}],"max_tokens":32,"stream":true}""", 'o'),
        ("/v1/responses", """{"model":"gpt-4o-mini","input":"Warm up, please.","max_output_tokens":32}""", 'o'),
        ("/v1beta/models/gpt-4o-mini:generateContent", """{"contents":[{"role":"user","parts":[{"text":"Warm up, please."}]}],"generationConfig":{"maxOutputTokens":32}}""", 'g'),
    ];

    /// <summary>What the warm-up did, logged by the real gateway once its log exists.</summary>
    public sealed record Outcome(long Answered, long Failed, TimeSpan Took, string? Error)
    {
        public void Log(ILogger logger)
        {
            if (Error is not null)
            {
                LogFailed(logger, Error);
            }
            else
            {
                LogDone(logger, Answered, Failed, Took.TotalSeconds);
            }
        }
    }

    public static async Task<Outcome> RunAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        if (duration <= TimeSpan.Zero)
        {
            return new Outcome(0, 0, TimeSpan.Zero, null);
        }
        var clock = Stopwatch.StartNew();
        var folder = Directory.CreateTempSubdirectory("switchyard-warm-up-");
        long answered = 0, failed = 0;
        string? error = null;
        try
        {
            await using var mock = await MockUpstreamServer.StartAsync(0, recordRequests: false, cancellationToken);
            var (clientKey, masterKey) = DemoConfig.NewSecrets();
            var demo = DemoConfig.Create(mock.BaseAddress, clientKey, masterKey);
            var config = ConfigValidator.Validate(demo with
            {
                Server = demo.Server with { Listen = "http://127.0.0.1:0" },
                Storage = demo.Storage with
                {
                    Database = "sqlite:" + Path.Combine(folder.FullName, "warm-up.db"),
                    Journal = Path.Combine(folder.FullName, "journal"),
                },
            });
            await using var host = await SwitchyardHost.StartAsync(config, logging: l =>
            {
                // Its logging code runs, into nothing: warm-up lines would mislead whoever reads the real log.
                l.ClearProviders();
                l.Services.AddSingleton<ILoggerProvider>(sp =>
                    new Telemetry.Logging.JsonLineLoggerProvider(sp.GetRequiredService<Telemetry.Logging.JsonLogFormatter>(), Stream.Null));
            }, cancellationToken: cancellationToken);
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = host.Address };
            var deadline = clock.Elapsed + duration;
            await Task.WhenAll(Enumerable.Range(0, Connections).Select(async loop =>
            {
                for (var i = loop; (i < loop + Requests.Length || clock.Elapsed < deadline) && !cancellationToken.IsCancellationRequested; i++)
                {
                    var (path, body, kind) = Requests[i % Requests.Length];
                    using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                    if (kind == 'a')
                    {
                        request.Headers.Add("x-api-key", clientKey);
                        request.Headers.Add("anthropic-version", "2023-06-01");
                    }
                    else if (kind == 'g')
                    {
                        request.Headers.Add("x-goog-api-key", clientKey);
                    }
                    else
                    {
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", clientKey);
                    }
                    try
                    {
                        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                        await response.Content.CopyToAsync(Stream.Null, cancellationToken);
                        if (response.IsSuccessStatusCode)
                        {
                            Interlocked.Increment(ref answered);
                        }
                        else
                        {
                            Interlocked.Increment(ref failed);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            }));
        }
        catch (Exception e) when (e is IOException or HttpRequestException or InvalidOperationException or System.Data.Common.DbException)
        {
            // A warm-up that cannot run only costs the first seconds' speed: the gateway starts all the same.
            error = e.Message;
        }
        finally
        {
            try
            {
                folder.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
        return new Outcome(answered, failed, clock.Elapsed, error);
    }

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Warm-up: {Answered} requests relayed on loopback ({Failed} failed) in {Seconds:F1} s; starting")]
    private static partial void LogDone(ILogger logger, long answered, long failed, double seconds);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Warm-up could not run; starting without it: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
