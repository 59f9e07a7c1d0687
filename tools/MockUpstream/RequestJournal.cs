using Microsoft.AspNetCore.Http;

namespace Switchyard.MockUpstream;

/// <summary>The last <see cref="Capacity"/> requests, so long-running demos and benchmarks cannot grow memory without bound.</summary>
internal sealed class RequestJournal(bool enabled)
{
    public const int Capacity = 1000;

    private readonly Queue<RecordedRequest> _requests = new();
    private readonly Lock _lock = new();

    public bool Enabled { get; } = enabled;

    public void Record(HttpRequest request, ReadOnlySpan<byte> body)
    {
        var headers = new Dictionary<string, string>(request.Headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers)
        {
            headers[header.Key] = header.Value.ToString();
        }

        var path = request.Path.Value ?? string.Empty;
        if (request.QueryString.HasValue)
        {
            path += request.QueryString.Value;
        }

        var recorded = new RecordedRequest(request.Method, path, headers, System.Text.Encoding.UTF8.GetString(body));
        lock (_lock)
        {
            if (_requests.Count == Capacity)
            {
                _requests.Dequeue();
            }

            _requests.Enqueue(recorded);
        }
    }

    public RecordedRequest[] Snapshot()
    {
        lock (_lock)
        {
            return [.. _requests];
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _requests.Clear();
        }
    }
}
