using System.Buffers;

namespace Switchyard.Relay;

/// <summary>A non-stream upstream answer held in one pooled array that grows, by doubling, up to a limit.</summary>
internal sealed class UpstreamBody(int initial, int limit) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(Math.Clamp(initial, 1, limit));
    private int _length;

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, _length);

    /// <summary>Room left, never past the limit (the pool may hand out a larger array than asked for).</summary>
    public Memory<byte> Free => _buffer.AsMemory(_length, Math.Min(_buffer.Length, limit) - _length);

    public void Advance(int count) => _length += count;

    /// <returns>False when the buffer already holds the limit.</returns>
    public bool Grow()
    {
        if (_length >= limit)
        {
            return false;
        }
        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)_buffer.Length * 2, limit));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
        return true;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
