using Comet.Core.Messages;

namespace Comet.Core.Engine;

/// <summary>The outcome of <see cref="IPresence.ConnectAsync"/>.</summary>
/// <param name="Accepted">False when the user already has the maximum number of connections.</param>
/// <param name="QueuedMessages">The user's offline queue, oldest first, now owned by this connection; for a
/// client that acknowledges, also what it resumes (delivered messages after its seq), in seq order.</param>
public sealed record ConnectResult(bool Accepted, IReadOnlyList<QueuedMessage> QueuedMessages)
{
    /// <summary>
    /// The seq the connection starts after. For a client that acknowledges it is where it resumes (what it
    /// sent, or the seq just before the first message it gets), and the client is told it; for another,
    /// the user's seq when it registered. Either way, personal messages up to it that reach the connection
    /// live (a node hands a user's messages to every local connection of the user) are not for it. 0: no bound.
    /// </summary>
    public long ResumedAfter { get; init; }

    /// <summary>For a resuming client: the seqs after its own that the window no longer holds.</summary>
    public SeqRange? Missed { get; init; }

    /// <summary>A registered connection with nothing queued.</summary>
    public static readonly ConnectResult Empty = new(true, []);

    /// <summary>Refused: the per-user connection limit is reached.</summary>
    public static readonly ConnectResult TooManyConnections = new(false, []);
}
