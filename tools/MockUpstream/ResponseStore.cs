using System.Collections.Concurrent;

namespace Switchyard.MockUpstream;

/// <summary>
/// Responses stored for previous_response_id (store not false), bounded like the request journal so a long
/// benchmark cannot grow memory. Only what continuing needs is kept: the conversation's token count.
/// </summary>
internal sealed class ResponseStore
{
    public const int Capacity = 1000;

    private readonly ConcurrentDictionary<string, int> _contextTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public void Add(string id, int contextTokens)
    {
        _contextTokens[id] = contextTokens;
        _order.Enqueue(id);
        while (_order.Count > Capacity && _order.TryDequeue(out var oldest))
        {
            _contextTokens.TryRemove(oldest, out _);
        }
    }

    /// <summary>The tokens of the stored conversation (its input plus its output), which a continuation adds to its prompt.</summary>
    public bool TryGet(string id, out int contextTokens) => _contextTokens.TryGetValue(id, out contextTokens);
}
