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
/// It sends in passes with pauses between them, and ends once a pass leaves the runtime almost nothing new to compile
/// (or at <c>warm_up</c>): under load, the runtime's one background compiler thread gets a small share of the cores
/// and takes many seconds to catch up; in a pause it has them to itself.
/// </summary>
internal static partial class WarmUp
{
    /// <summary>
    /// Loopback connections of a pass, each sending every kind of request in turn (at least once each, however short the
    /// warm-up). Many and new every pass, because a fresh instance in a fleet accepts many at once and opens as many
    /// upstream: their set-up code is hot in its first second.
    /// </summary>
    internal const int Connections = 16;

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
    /// <param name="Settled">Whether it ended because the runtime had almost nothing left to compile, not at the limit.</param>
    public sealed record Outcome(long Answered, long Failed, int Passes, bool Settled, TimeSpan Took, string? Error)
    {
        public void Log(ILogger logger)
        {
            if (Error is not null)
            {
                LogFailed(logger, Error);
            }
            else
            {
                LogDone(logger, Answered, Failed, Passes, Took.TotalSeconds, Settled ? "the runtime had compiled the hot paths" : "stopped at the limit");
            }
        }
    }

    /// <param name="compiledMethods">The process's compiled-method count; the runtime's own unless a test stands in for it.</param>
    public static async Task<Outcome> RunAsync(TimeSpan duration, CancellationToken cancellationToken, Func<long>? compiledMethods = null)
    {
        compiledMethods ??= CompiledMethods;
        if (duration <= TimeSpan.Zero)
        {
            return new Outcome(0, 0, 0, false, TimeSpan.Zero, null);
        }
        var clock = Stopwatch.StartNew();
        var folder = Directory.CreateTempSubdirectory("switchyard-warm-up-");
        long answered = 0, failed = 0;
        var passes = 0;
        var settled = false;
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
            var deadline = clock.Elapsed + duration;
            var compiled = compiledMethods();
            while (clock.Elapsed < deadline && !cancellationToken.IsCancellationRequested)
            {
                // New connections every pass (see Connections).
                using var client = LoopbackClient(host.Address);
                var first = passes == 0;
                await Task.WhenAll(Enumerable.Range(0, Connections).Select(async loop =>
                {
                    for (var i = 0; i < PassRequests && ((first && i < Requests.Length) || clock.Elapsed < deadline) && !cancellationToken.IsCancellationRequested; i++)
                    {
                        var (path, body, kind) = Requests[(i + loop) % Requests.Length];
                        if (await SendAsync(client, path, body, kind, clientKey, cancellationToken))
                        {
                            Interlocked.Increment(ref answered);
                        }
                        else
                        {
                            Interlocked.Increment(ref failed);
                        }
                    }
                }));
                passes++;
                var before = compiled;
                compiled = await SettleAsync(compiledMethods, clock, deadline, cancellationToken);
                if (!first && compiled - before < SettledBelow)
                {
                    settled = true;
                    break;
                }
            }
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
        return new Outcome(answered, failed, passes, settled, clock.Elapsed, error);
    }

    /// <summary>
    /// Requests per connection in one pass: every kind of request 100 times per pass, past the 30 calls after which the
    /// runtime re-compiles a method (and again after its instrumented version has run as often).
    /// </summary>
    internal const int PassRequests = 50;

    /// <summary>How long the real gateway waits, before it reports ready, for the runtime to finish compiling what its start made hot.</summary>
    internal static readonly TimeSpan StartSettleLimit = TimeSpan.FromSeconds(5);

    /// <summary>A pass after which the runtime compiled fewer methods than this found the hot paths compiled.</summary>
    private const long SettledBelow = 20;

    private static async Task<bool> SendAsync(HttpClient client, string path, string body, char kind, string clientKey, CancellationToken cancellationToken)
    {
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
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>
    /// The real gateway's part, once it listens and while <c>/readyz</c> still answers 503: its first request builds its
    /// routing — every endpoint's request delegate and the route matcher, made per host, so the throwaway gateway
    /// cannot build them for it — so it sends that request itself (to <c>/healthz</c>: no ledger record, log line or
    /// metric), then gives the runtime up to <see cref="StartSettleLimit"/> to compile what its start made hot.
    /// </summary>
    internal static async Task FinishAsync(Uri address, CancellationToken cancellationToken)
    {
        using (var client = LoopbackClient(address))
        {
            client.Timeout = StartSettleLimit;
            try
            {
                using var response = await client.GetAsync("/healthz", cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Routing is then built by the first caller instead: slower, not wrong.
            }
        }
        await SettleAsync(CompiledMethods, Stopwatch.StartNew(), StartSettleLimit, cancellationToken);
    }

    private static HttpClient LoopbackClient(Uri address) =>
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = address };

    internal static long CompiledMethods() => System.Runtime.JitInfo.GetCompiledMethodCount();

    /// <summary>
    /// Waits until the runtime has compiled nothing new for 200 ms, or until <paramref name="deadline"/> on
    /// <paramref name="clock"/>; returns the process's compiled-method count.
    /// </summary>
    internal static async Task<long> SettleAsync(Func<long> compiledMethods, Stopwatch clock, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var count = compiledMethods();
        var quiet = 0;
        while (quiet < 4 && clock.Elapsed < deadline && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(50, cancellationToken);
            var now = compiledMethods();
            quiet = now == count ? quiet + 1 : 0;
            count = now;
        }
        return count;
    }

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Warm-up: {Answered} requests relayed on loopback ({Failed} failed) in {Passes} passes, {Seconds:F1} s, {Ending}; starting")]
    private static partial void LogDone(ILogger logger, long answered, long failed, int passes, double seconds, string ending);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Warm-up could not run; starting without it: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
