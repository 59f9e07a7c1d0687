// The baseline the gateway is measured against: the least an ASP.NET Core proxy can do. Every request is forwarded
// to the upstream with HttpMessageInvoker (method, path, query, body and the headers that matter), and the answer's
// status, content type and body are copied back as they arrive. Nothing is parsed, authenticated, counted or logged.
using System.Net;

var upstream = Environment.GetEnvironmentVariable("PASSTHROUGH_UPSTREAM")
    ?? throw new InvalidOperationException("PASSTHROUGH_UPSTREAM (the upstream's base URL, e.g. http://127.0.0.1:4100) is not set");
var upstreamKey = Environment.GetEnvironmentVariable("PASSTHROUGH_UPSTREAM_KEY") ?? "mock-upstream-key";
var upstreamBase = new Uri(upstream.TrimEnd('/'));

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
    MaxConnectionsPerServer = int.MaxValue,
});

app.Run(async context =>
{
    var request = context.Request;
    using var outgoing = new HttpRequestMessage(new HttpMethod(request.Method),
        new Uri(upstreamBase, request.Path.Value + request.QueryString.Value));
    outgoing.Headers.TryAddWithoutValidation("Authorization", "Bearer " + upstreamKey);
    if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
    {
        outgoing.Content = new StreamContent(request.Body);
        if (request.ContentType is { } contentType)
        {
            outgoing.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        if (request.ContentLength is { } length)
        {
            outgoing.Content.Headers.ContentLength = length;
        }
    }

    using var answer = await invoker.SendAsync(outgoing, context.RequestAborted);
    var response = context.Response;
    response.StatusCode = (int)answer.StatusCode;
    if (answer.Content.Headers.ContentType is { } type)
    {
        response.ContentType = type.ToString();
    }
    if (answer.Content.Headers.ContentLength is { } answerLength)
    {
        response.ContentLength = answerLength;
    }
    await using var body = await answer.Content.ReadAsStreamAsync(context.RequestAborted);
    var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
    try
    {
        int read;
        while ((read = await body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            // Flushed per read so a stream's events reach the client as they come, as the gateway sends them.
            await response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);
        }
    }
    finally
    {
        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
    }
});

app.Run();
