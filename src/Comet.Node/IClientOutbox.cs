namespace Comet.Node;

/// <summary>
/// Where the node hands one client's messages: the transport's bounded send queue. Called from delivery
/// threads, so nothing here may wait for the client.
/// </summary>
public interface IClientOutbox
{
    /// <summary>Messages waiting to be written (the send-queue gauge).</summary>
    int Queued { get; }

    /// <summary>
    /// Queues a message; false when the client will not get it (it is closing, or just overflowed and is
    /// being closed). Without <paramref name="signal"/> the caller wakes the writer later
    /// (<see cref="Signal"/>), so that a big fan-out can spread the writing over threads.
    /// </summary>
    bool TryEnqueue(SharedMessage message, bool signal);

    /// <summary>Wakes the writer after messages were queued without a signal.</summary>
    void Signal();

    /// <summary>Asks the transport to close the client; what is still queued is dropped.</summary>
    void Close(CloseReason reason);
}
