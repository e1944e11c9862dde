using Comet.Core.Messages;

namespace Comet.Core.Engine;

/// <summary>The outcome of <see cref="IPresence.ConnectAsync"/>.</summary>
/// <param name="Accepted">False when the user already has the maximum number of connections.</param>
/// <param name="QueuedMessages">The user's offline queue, oldest first, now owned by this connection.</param>
public sealed record ConnectResult(bool Accepted, IReadOnlyList<QueuedMessage> QueuedMessages)
{
    /// <summary>A registered connection with nothing queued.</summary>
    public static readonly ConnectResult Empty = new(true, []);

    /// <summary>Refused: the per-user connection limit is reached.</summary>
    public static readonly ConnectResult TooManyConnections = new(false, []);
}
