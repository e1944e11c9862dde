using Comet.Core.Engine;
using Comet.Core.Messages;

namespace Comet.Core.Memory;

/// <summary>One authorised user of a namespace: live connections, the offline queue, the resend window and users_time.</summary>
/// <remarks>Guarded by <see cref="Sync"/>: connecting, disconnecting and sending to the user are serialised,
/// which is what keeps personal messages lossless and ordered.</remarks>
internal sealed class MemoryUser(long userId)
{
    /// <summary>users_time when nothing is known.</summary>
    public const long Unknown = -1;

    private readonly Queue<QueuedEntry> _queue = new();
    private long _lastSeq;

    public Lock Sync { get; } = new();

    public long UserId { get; } = userId;

    public Dictionary<string, ClientRecord> Connections { get; } = new(StringComparer.Ordinal);

    /// <summary>The unix time of the last disconnect, or <see cref="Unknown"/>; reads report 0 while connected.</summary>
    public long LastSeen { get; set; } = Unknown;

    public bool Removed { get; set; }

    /// <summary>Delivered messages that acknowledging connections may still ask for again.</summary>
    public AckWindow Window { get; } = new();

    /// <summary>The seq of the user's latest personal message (0: none yet).</summary>
    public long LastSeq => _lastSeq;

    /// <summary>The next seq. A user's first one is the clock (unix milliseconds), so that seqs keep
    /// increasing after the user's state was dropped and made again.</summary>
    public long NextSeq(long nowUnixMilliseconds)
    {
        _lastSeq = _lastSeq == 0 ? nowUnixMilliseconds : _lastSeq + 1;
        return _lastSeq;
    }

    /// <summary>The seq just before the user's next message, starting the user's seqs if they have none
    /// yet (a connection that acknowledges must be told where it resumes even before any message).</summary>
    public long SeqBeforeNext(long nowUnixMilliseconds)
    {
        if (_lastSeq == 0)
        {
            _lastSeq = nowUnixMilliseconds - 1;
        }
        return _lastSeq;
    }

    public int QueueCount => _queue.Count;

    public bool IsEmpty => Connections.Count == 0 && _queue.Count == 0 && LastSeen == Unknown && Window.IsEmpty;

    /// <summary>Queues a message; returns how many of the oldest were dropped to stay within <paramref name="capacity"/>.</summary>
    public int Enqueue(QueuedMessage message, long expiresAtTicks, int capacity)
    {
        _queue.Enqueue(new QueuedEntry(message, expiresAtTicks));
        var dropped = 0;
        while (_queue.Count > capacity)
        {
            _queue.Dequeue();
            dropped++;
        }
        return dropped;
    }

    /// <summary>Drops queued messages whose wait has expired (the queue is in time order).</summary>
    public void Expire(long nowTicks)
    {
        while (_queue.TryPeek(out var oldest) && oldest.ExpiresAtTicks <= nowTicks)
        {
            _queue.Dequeue();
        }
    }

    /// <summary>The queue, oldest first.</summary>
    public QueuedMessage[] PeekQueue() => _queue.Select(entry => entry.Message).ToArray();

    /// <summary>Removes and returns the whole queue, oldest first.</summary>
    public QueuedMessage[] TakeQueue()
    {
        if (_queue.Count == 0)
        {
            return [];
        }
        var messages = PeekQueue();
        _queue.Clear();
        return messages;
    }

    public void ClearQueue() => _queue.Clear();

    private readonly record struct QueuedEntry(QueuedMessage Message, long ExpiresAtTicks);
}
