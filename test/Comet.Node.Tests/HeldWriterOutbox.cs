using Comet.Core.Messages;

namespace Comet.Node.Tests;

/// <summary>
/// A send queue whose writer takes as long as the test says: <see cref="Signal"/> (the writing of a big
/// fan-out's slice) returns only once <see cref="Release"/> was called, as on a machine too busy to
/// write. What the node queues is kept in order.
/// </summary>
internal sealed class HeldWriterOutbox(ManualResetEventSlim writersMayRun) : IClientOutbox
{
    private readonly Lock _sync = new();
    private readonly List<CometMessage> _messages = [];

    public int Queued => 0;

    /// <summary>What the node queued so far, in order.</summary>
    public IReadOnlyList<string> Data
    {
        get
        {
            lock (_sync)
            {
                return [.. _messages.Select(m => m.Data)];
            }
        }
    }

    public bool TryEnqueue(SharedMessage message, bool signal)
    {
        lock (_sync)
        {
            _messages.Add(message.Message);
        }
        if (signal)
        {
            Signal();
        }
        return true;
    }

    public void Signal() => writersMayRun.Wait(TimeSpan.FromSeconds(30));

    public void Close(CloseReason reason)
    {
    }
}
