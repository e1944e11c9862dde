using Comet.Core.Messages;
using Comet.Node;

namespace Comet.Testing.Nodes;

/// <summary>
/// A client's send queue that keeps what the node hands it, for tests of the node and of engines under
/// a real node (the WebSocket transport's queue has its own tests). With a capacity, one message more
/// is refused and the client is closed, as a transport closes a slow consumer.
/// </summary>
public sealed class RecordingOutbox(int capacity = int.MaxValue) : IClientOutbox
{
    private readonly Lock _sync = new();
    private readonly List<CometMessage> _messages = [];
    private CloseReason? _closed;
    private bool _overflowed;

    public int Queued => 0;

    /// <summary>Why the node closed the client, if it did.</summary>
    public CloseReason? Closed
    {
        get
        {
            lock (_sync)
            {
                return _closed;
            }
        }
    }

    /// <summary>True once a message did not fit.</summary>
    public bool Overflowed
    {
        get
        {
            lock (_sync)
            {
                return _overflowed;
            }
        }
    }

    /// <summary>Every message taken so far, in order.</summary>
    public IReadOnlyList<CometMessage> Messages
    {
        get
        {
            lock (_sync)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>The messages of one pipe, in order.</summary>
    public IReadOnlyList<CometMessage> On(string pipe)
    {
        lock (_sync)
        {
            return [.. _messages.Where(m => m.Pipe == pipe)];
        }
    }

    public bool TryEnqueue(SharedMessage message, bool signal)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_sync)
        {
            if (_closed is not null || _overflowed)
            {
                return false;
            }
            if (_messages.Count >= capacity)
            {
                _overflowed = true;
                return false;
            }
            _messages.Add(message.Message);
            return true;
        }
    }

    public void Signal()
    {
    }

    public void Close(CloseReason reason)
    {
        lock (_sync)
        {
            _closed ??= reason;
        }
    }
}
