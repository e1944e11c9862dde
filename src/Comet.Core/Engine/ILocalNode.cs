using Comet.Core.Messages;

namespace Comet.Core.Engine;

/// <summary>
/// This node as its engine sees it: where the engine hands what arrives for local clients, and the one
/// truth about which clients are here and what they are subscribed to. The engine keeps no copy of that
/// truth; when it must register everything again (Redis lost writes, or the node took a new registration
/// id) it asks here. Implemented by the node (Comet.Node); no member waits for a client (deliveries go to
/// bounded queues).
/// </summary>
public interface ILocalNode
{
    /// <summary>Delivers a message to every local subscriber of <see cref="CometMessage.Pipe"/> in
    /// <paramref name="devId"/>, except <see cref="CometMessage.ExcludeConnectionId"/>.</summary>
    void DeliverToPipe(int devId, CometMessage message);

    /// <summary>Delivers a personal message to every local client of a user.</summary>
    /// <returns>The number of local clients that took it.</returns>
    int DeliverToUser(int devId, long userId, CometMessage message);

    /// <summary>Closes the user's local clients: all of them, or only those that authenticated
    /// with <paramref name="credential"/> (a revoked JWT).</summary>
    void CloseUser(int devId, long userId, string? credential);

    /// <summary>The authorised users with clients on this node, those still connecting included.</summary>
    IReadOnlyList<LocalUser> Users { get; }

    /// <summary>True while the node has a client of the user.</summary>
    bool HasUser(int devId, long userId);

    /// <summary>The user's registered clients: those the node asked the engine to connect
    /// (<see cref="IPresence.ConnectAsync"/> was called) and has not disconnected since.</summary>
    IReadOnlyList<ClientRecord> ClientsOf(int devId, long userId);

    /// <summary>Every registered client, anonymous ones included, with the pipes it is subscribed to now.</summary>
    IReadOnlyList<LocalSubscriptions> Subscriptions();

    /// <summary>The pipes a client is subscribed to now (empty once it left).</summary>
    IReadOnlySet<string> PipesOf(string connectionId);
}

/// <summary>An authorised user with clients on this node.</summary>
public readonly record struct LocalUser(int DevId, long UserId);

/// <summary>A local client and the pipes it is subscribed to.</summary>
public sealed record LocalSubscriptions(ClientRecord Client, IReadOnlyList<string> Pipes);
