namespace Comet.Core.Engine;

/// <summary>
/// All state the gateway shares between nodes, and fan-out between them. Two implementations pass
/// one conformance suite: the embedded memory engine (one process) and the Redis engine (a cluster).
/// Nothing outside an engine knows which one runs.
/// </summary>
/// <remarks>
/// Every operation is namespaced by <c>devId</c> (the CometQL login). An engine that cannot reach
/// its storage throws <see cref="StorageUnavailableException"/> quickly instead of hanging.
/// </remarks>
public interface ICometEngine
{
    /// <summary>The engine's short name for traces and the status page (<c>memory</c>, <c>redis</c>).</summary>
    string Name { get; }

    /// <summary>users_auth, users_data and revoked_tokens.</summary>
    IUserStore Users { get; }

    /// <summary>pipes_settings and pipe logs (history).</summary>
    IPipeStore Pipes { get; }

    /// <summary>Fan-out of pipe messages and lossless personal messages.</summary>
    IMessageBus Bus { get; }

    /// <summary>Connections, subscriptions, users_time: cluster-wide and exact.</summary>
    IPresence Presence { get; }

    /// <summary>True while the engine can serve requests (readiness).</summary>
    bool IsReady { get; }

    /// <summary>
    /// Starts background work (node lease, pub/sub) and binds the node: from now on the engine hands
    /// every message for this node's clients to <paramref name="node"/> and asks it what is local.
    /// </summary>
    Task StartAsync(ILocalNode node, CancellationToken cancellationToken);

    /// <summary>Leaves the cluster cleanly: this node's connections stop counting in presence.</summary>
    Task StopAsync(CancellationToken cancellationToken);
}
