using System.Diagnostics.Metrics;
using Comet.Core.Diagnostics;
using Comet.Core.Engine;
using Comet.Core.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Comet.Node;

/// <summary>
/// This gateway node, and the one thing transports talk to. It owns the clients connected here and their
/// subscriptions (one index, <see cref="LocalClients"/>) and every call to the engine about them: it
/// listens to a user or pipe in the cluster while it has clients for it (from the first to the last),
/// registers clients and subscriptions in presence, and repeats what the engine did not take until it
/// does (<see cref="EngineAgreement"/>). What transports read and write besides (publishing, personal
/// messages, presence, users_auth, pipe logs) passes to the engine unchanged (CometNode.Storage.cs).
/// </summary>
public sealed partial class CometNode : IAsyncDisposable
{
    private readonly ICometEngine _engine;
    private readonly LocalClients _clients;
    private readonly EngineAgreement _agreement;

    public CometNode(ICometEngine engine, IMeterFactory? meterFactory = null, ILogger<CometNode>? logger = null, IOptions<LimitsOptions>? limits = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ILogger log = logger ?? NullLogger<CometNode>.Instance;
        _engine = engine;
        var maxLag = (limits?.Value ?? new LimitsOptions()).MaxPipeDeliveryLag;
        _clients = new LocalClients(() => engine.Bus, maxLag, meterFactory?.Create(CometMetrics.MeterName), log);
        _agreement = new EngineAgreement(engine, _clients, log);
    }

    /// <summary>Clients connected to this node.</summary>
    public int ClientCount => _clients.Count;

    /// <summary>Pipe messages not yet handed to every local subscriber (big fan-outs run off the publisher's thread).</summary>
    public long PipeDeliveryBacklog => _clients.PipeDeliveryBacklog;

    /// <summary>Clients whose subscription change or departure the engine has not taken yet (it is retried).</summary>
    public int ChangesWaitingForTheEngine => _agreement.Waiting;

    /// <summary>This node as its engine sees it.</summary>
    internal ILocalNode Local => _clients;

    /// <summary>Starts the engine with this node, then the retries (before the transports take traffic).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _engine.StartAsync(_clients, cancellationToken);
        _agreement.Start();
    }

    /// <summary>Stops retrying and the engine (after the transports closed their clients).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _agreement.DisposeAsync();
        await _engine.StopAsync(cancellationToken);
    }

    /// <summary>
    /// Connects a client: it gets messages from now on (its transport holds them back until it greeted
    /// the client), the node listens to its user's messages, then presence registers it. The result tells
    /// whether the user's connection limit let it in and hands over the user's offline queue. Throws
    /// <see cref="StorageUnavailableException"/> when the engine could not register it; the client is
    /// gone from the node then, and the engine is told so until it agrees.
    /// </summary>
    public async Task<ConnectResult> ConnectAsync(NodeClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var listening = _clients.Add(client);
        try
        {
            await listening;
            _clients.MarkRegistered(client);
            var result = await _engine.Presence.ConnectAsync(client.Record);
            if (!result.Accepted)
            {
                // Refused: the engine did not register it, so there is nothing to undo there.
                _clients.Remove(client, out _, out _);
            }
            return result;
        }
        catch
        {
            await DisconnectAsync(client);
            throw;
        }
    }

    /// <summary>Disconnects a client: it leaves the node at once and the engine when it agrees. Idempotent.</summary>
    public async Task DisconnectAsync(NodeClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (_clients.Remove(client, out var pipes, out var registered) && registered)
        {
            await _agreement.LeaveAsync(client, pipes);
        }
    }

    /// <summary>
    /// Replaces a client's subscriptions: the new pipes get messages on this node at once, and the engine
    /// learns the difference (now, or by a retry). Returns what changed on this node; sending the same
    /// list again changes nothing.
    /// </summary>
    public async Task<SubscriptionChange> SetSubscriptionsAsync(NodeClient client, IReadOnlyCollection<string> pipes)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(pipes);
        var change = _clients.SetPipes(client, pipes);
        await _agreement.AgreeAsync(client);
        return change;
    }

    /// <summary>The clients on this node now (a copy: a drain closes them one by one).</summary>
    public IReadOnlyList<NodeClient> Clients() => _clients.Snapshot();

    /// <summary>Asks every client's transport to close it.</summary>
    public void CloseAll(CloseReason reason)
    {
        foreach (var client in _clients.Snapshot())
        {
            client.Outbox.Close(reason);
        }
    }

    /// <summary>The pipes with the most local subscribers, most first (the status page).</summary>
    public IReadOnlyList<PipeSubscribers> TopPipes(int count) => _clients.TopPipes(count);

    /// <summary>Stops the pipe delivery threads once they delivered what is queued.</summary>
    public async ValueTask DisposeAsync()
    {
        await _agreement.DisposeAsync();
        _clients.Dispose();
    }
}
