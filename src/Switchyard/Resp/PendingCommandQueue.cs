namespace Switchyard.Resp;

/// <summary>
/// The FIFO of commands awaiting replies, in the order they were written. A ring buffer rather than
/// <see cref="Queue{T}"/> because the timeout scan indexes into it from a cursor. Not thread-safe: the
/// session guards it with its lock.
/// </summary>
internal sealed class PendingCommandQueue
{
    private PendingCommand?[] _items = new PendingCommand?[64];
    private int _head;

    public int Count { get; private set; }

    public PendingCommand this[int index] => _items[(_head + index) & (_items.Length - 1)]!;

    public void Enqueue(PendingCommand item)
    {
        if (Count == _items.Length)
        {
            var larger = new PendingCommand?[_items.Length * 2];
            for (var i = 0; i < Count; i++)
            {
                larger[i] = this[i];
            }
            _items = larger;
            _head = 0;
        }
        _items[(_head + Count) & (_items.Length - 1)] = item;
        Count++;
    }

    public PendingCommand Dequeue()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("No command is waiting for a reply.");
        }
        var item = _items[_head]!;
        _items[_head] = null;
        _head = (_head + 1) & (_items.Length - 1);
        Count--;
        return item;
    }
}
