using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchyard.Tests.TestSupport;

/// <summary>A webhook receiver on a loopback port: keeps every request and answers each path with the statuses it was given.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(int Status, string Body)>> _answers = new(StringComparer.Ordinal);

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;
    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext http, string path) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            receiver.Received.Enqueue(new ReceivedWebhook("/" + path, http.Request.QueryString.Value ?? "",
                http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body, DateTimeOffset.UtcNow));
            var (status, answer) = receiver._answers.TryGetValue("/" + path, out var queue) && queue.TryDequeue(out var next) ? next : (200, "");
            http.Response.StatusCode = status;
            await http.Response.WriteAsync(answer.Replace("{url}", http.Request.Path + http.Request.QueryString, StringComparison.Ordinal));
        });
        await app.StartAsync();
        receiver.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    public string Url(string path) => new Uri(Address, path).ToString();

    /// <summary>The next requests to <paramref name="path"/> get these answers in turn ({url} in a body echoes the request's URL); then 200.</summary>
    public void Answer(string path, params (int Status, string Body)[] answers)
    {
        var queue = _answers.GetOrAdd(path, _ => new ConcurrentQueue<(int, string)>());
        foreach (var answer in answers)
        {
            queue.Enqueue(answer);
        }
    }

    public IReadOnlyList<ReceivedWebhook> At(string path) => Received.Where(r => r.Path == path).ToList();

    /// <summary>Waits until <paramref name="path"/> got at least <paramref name="count"/> requests matching <paramref name="match"/>.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(string path, int count, Func<ReceivedWebhook, bool>? match = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var found = At(path).Where(r => match is null || match(r)).ToList();
            if (found.Count >= count || DateTime.UtcNow > deadline)
            {
                return found;
            }
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedWebhook(string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At);
