using Comet.Core.Messages;

namespace Comet.Core.Engine;

/// <summary>Fan-out: pipe messages to every subscriber on every node, personal messages without loss.</summary>
public interface IMessageBus
{
    /// <summary>
    /// Publishes to a pipe: appends to its log when the pipe logs (pipes_settings length &gt; 0, or a
    /// <c>trust_</c> pipe), then delivers to every subscriber on every node, all in one operation.
    /// </summary>
    /// <param name="devId">The namespace.</param>
    /// <param name="message">The message; <see cref="CometMessage.SendTime"/> and
    /// <see cref="CometMessage.UserId"/> are what subscribers and the log get.</param>
    /// <returns>The number of subscribers of the pipe, cluster-wide, when it was published.</returns>
    Task<long> PublishAsync(int devId, CometMessage message);

    /// <summary>
    /// Sends a personal message (users_messages): it reaches every connection of the user that is
    /// online now, or waits in the user's bounded offline queue until the user connects. Nothing is
    /// lost or duplicated and one user's messages keep their order.
    /// </summary>
    Task SendToUserAsync(int devId, long userId, string @event, string message);

    /// <summary>The user's offline queue, oldest first.</summary>
    Task<IReadOnlyList<QueuedMessage>> GetQueueAsync(int devId, long userId);

    /// <summary>Empties the user's offline queue.</summary>
    Task ClearQueueAsync(int devId, long userId);

    /// <summary>
    /// Starts receiving what other nodes publish to a pipe. The node calls it when the pipe gets its first
    /// local subscriber and disposes the result after the last one left; once the task completes, every
    /// message published to the pipe anywhere reaches <see cref="ILocalNode.DeliverToPipe"/>.
    /// </summary>
    Task<IAsyncDisposable> ListenToPipeAsync(int devId, string pipe);

    /// <summary>The same for a user's personal messages and close requests, while the node holds clients
    /// of the user (called before <see cref="IPresence.ConnectAsync"/>, so that nothing sent to a new
    /// client is missed).</summary>
    Task<IAsyncDisposable> ListenToUserAsync(int devId, long userId);

    /// <summary>Closes the user's connections on every node: all of them, or those that authenticated
    /// with <paramref name="credential"/>.</summary>
    Task CloseUserAsync(int devId, long userId, string? credential);
}
