using Comet.Core.Messages;

namespace Comet.Core.Engine;

/// <summary>
/// This node's side of fan-out, implemented by the hub of local connections. Engines call it from
/// their delivery loop; implementations must not block (they enqueue to bounded per-connection queues).
/// </summary>
public interface ILocalDelivery
{
    /// <summary>Delivers a message to every local subscriber of <see cref="CometMessage.Pipe"/> in
    /// <paramref name="devId"/>, except <see cref="CometMessage.ExcludeConnectionId"/>.</summary>
    void DeliverToPipe(int devId, CometMessage message);

    /// <summary>Delivers a personal message to every local connection of a user.</summary>
    /// <returns>The number of local connections that took it.</returns>
    int DeliverToUser(int devId, long userId, CometMessage message);

    /// <summary>Closes the user's local connections: all of them, or only those that authenticated
    /// with <paramref name="credential"/> (a revoked JWT).</summary>
    void CloseUser(int devId, long userId, string? credential);
}
