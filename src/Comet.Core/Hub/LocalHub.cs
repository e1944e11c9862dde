using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Comet.Core.Engine;
using Comet.Core.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Comet.Core.Hub;

/// <summary>
/// This node's connections by id, by user and by pipe, and delivery to them (the engine's
/// <see cref="ILocalDelivery"/>). Each message is encoded once and the same bytes go to every local
/// receiver's bounded queue; nothing here waits for a client. Big pipe fan-outs run on the
/// <see cref="PipeDeliveryDispatcher"/> so that the publisher does not wait for them.
/// </summary>
public sealed partial class LocalHub : ILocalDelivery, IDisposable
{
    private readonly Lock _indexLock = new();
    private readonly ConcurrentDictionary<string, HubConnection> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<UserKey, SubscriberList> _byUser = new();
    private readonly ConcurrentDictionary<PipeKey, SubscriberList> _byPipe = new();
    private readonly ILogger<LocalHub> _logger;
    private readonly Counter<long>? _slowConsumers;
    private readonly Counter<long>? _deliveries;
    private readonly Action<HubConnection> _onOverflow;
    private readonly PipeDeliveryDispatcher _pipeDelivery;
    private long _slowConsumersTotal;

    public LocalHub(IMeterFactory? meterFactory = null, ILogger<LocalHub>? logger = null)
    {
        _logger = logger ?? NullLogger<LocalHub>.Instance;
        var meter = meterFactory?.Create(Diagnostics.CometMetrics.MeterName);
        _slowConsumers = meter?.CreateCounter<long>("comet.websocket.slow_consumers", description: "Connections closed because their outbound queue overflowed.");
        _onOverflow = OnOverflow;
        _pipeDelivery = new PipeDeliveryDispatcher(
            partitionCount: Math.Clamp(Environment.ProcessorCount / 2, 1, 4),
            queueCapacity: 4096,
            _logger);
        meter?.CreateObservableGauge("comet.hub.pipe_delivery_backlog", () => _pipeDelivery.Backlog,
            description: "Pipe messages handed to the delivery dispatcher and not yet delivered to every local subscriber.");
        // Telemetry (deploy): deliveries, subscriptions and the send-queue depth (docs/operations.md, Metrics).
        _deliveries = meter?.CreateCounter<long>("comet.deliveries", description: "Messages handed to local connections' send queues (one per receiving connection).");
        meter?.CreateObservableGauge("comet.websocket.subscriptions", CountSubscriptions, description: "Pipe subscriptions of this node's connections.");
        meter?.CreateObservableGauge("comet.websocket.send_queue_depth", CountQueued, description: "Messages waiting in this node's per-connection send queues.");
        meter?.CreateObservableCounter("comet.hub.pipe_delivery_waits", () => _pipeDelivery.PublisherWaits,
            description: "Times a publisher waited because the pipe delivery queue was full.");
    }

    /// <summary>Open connections on this node.</summary>
    public int ConnectionCount => _byId.Count;

    /// <summary>Connections closed so far because they read too slowly.</summary>
    public long SlowConsumerDisconnects => Interlocked.Read(ref _slowConsumersTotal);

    /// <summary>Pipe messages not yet delivered to every local subscriber (big fan-outs run off the publisher's thread).</summary>
    public long PipeDeliveryBacklog => _pipeDelivery.Backlog;

    /// <summary>Registers a connection (gated until <see cref="HubConnection.OpenGate"/>).</summary>
    public void Add(HubConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Overflowed = _onOverflow;
        lock (_indexLock)
        {
            if (!_byId.TryAdd(connection.Id, connection))
            {
                throw new InvalidOperationException($"The connection id {connection.Id} is already registered.");
            }
            if (connection.Info.UserId > 0)
            {
                _byUser.GetOrAdd(new UserKey(connection.Info.DevId, connection.Info.UserId), _ => new SubscriberList()).Add(connection);
            }
        }
    }

    /// <summary>Unregisters a connection and its subscriptions. Idempotent.</summary>
    public void Remove(HubConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_indexLock)
        {
            if (!_byId.TryRemove(new KeyValuePair<string, HubConnection>(connection.Id, connection)))
            {
                return;
            }
            if (connection.Info.UserId > 0)
            {
                RemoveFrom(_byUser, new UserKey(connection.Info.DevId, connection.Info.UserId), connection);
            }
            foreach (var pipe in connection.Pipes)
            {
                RemoveFrom(_byPipe, new PipeKey(connection.Info.DevId, pipe), connection);
            }
        }
        connection.Complete();
    }

    /// <summary>
    /// Replaces the connection's subscription set and returns the difference, which is what the
    /// engine's presence must learn (re-sending the same list changes nothing).
    /// </summary>
    public SubscriptionChange SetSubscriptions(HubConnection connection, IReadOnlyCollection<string> pipes)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(pipes);
        var next = new HashSet<string>(pipes, StringComparer.Ordinal);
        lock (_indexLock)
        {
            var previous = connection.Pipes;
            var added = pipes.Where(p => !previous.Contains(p)).Distinct(StringComparer.Ordinal).ToList();
            var removed = previous.Where(p => !next.Contains(p)).ToList();
            var registered = _byId.ContainsKey(connection.Id);
            foreach (var pipe in removed)
            {
                RemoveFrom(_byPipe, new PipeKey(connection.Info.DevId, pipe), connection);
            }
            if (registered)
            {
                foreach (var pipe in added)
                {
                    _byPipe.GetOrAdd(new PipeKey(connection.Info.DevId, pipe), _ => new SubscriberList()).Add(connection);
                }
            }
            connection.Pipes = next;
            return new SubscriptionChange(added, removed);
        }
    }

    /// <summary>The connection with this id, if it is on this node.</summary>
    public HubConnection? Find(string connectionId) => _byId.GetValueOrDefault(connectionId);

    /// <summary>The number of local connections subscribed to a pipe.</summary>
    public int CountLocalSubscribers(int devId, string pipe) =>
        _byPipe.TryGetValue(new PipeKey(devId, pipe), out var list) ? list.Snapshot.Length : 0;

    /// <summary>The pipes with the most local subscribers, most first (the status page).</summary>
    public IReadOnlyList<PipeSubscribers> TopPipes(int count) =>
        [.. _byPipe.Select(p => new PipeSubscribers(p.Key.DevId, p.Key.Pipe, p.Value.Snapshot.Length))
            .Where(p => p.Subscribers > 0)
            .OrderByDescending(p => p.Subscribers).ThenBy(p => p.Pipe, StringComparer.Ordinal)
            .Take(count)];

    /// <summary>The connections on this node now (a copy: drains close them one by one).</summary>
    public IReadOnlyList<HubConnection> SnapshotConnections() => [.. _byId.Values];

    /// <summary>Asks every connection to close (e.g. the end of a drain: 1012 service restart).</summary>
    public void CloseAll(CloseRequest request)
    {
        foreach (var connection in _byId.Values)
        {
            connection.RequestClose(request);
        }
    }

    /// <inheritdoc />
    public void DeliverToPipe(int devId, CometMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_byPipe.TryGetValue(new PipeKey(devId, message.Pipe), out var list))
        {
            return;
        }
        var receivers = list.Snapshot;
        if (receivers.Length == 0)
        {
            return;
        }
        // The receivers are the subscribers as of now, even if the fan-out itself runs a little later.
        _deliveries?.Add(receivers.Length);
        _pipeDelivery.Deliver(devId, message.Pipe, receivers, OutboundMessage.Shared(message), message.ExcludeConnectionId);
    }

    /// <inheritdoc />
    public int DeliverToUser(int devId, long userId, CometMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_byUser.TryGetValue(new UserKey(devId, userId), out var list))
        {
            return 0;
        }
        var receivers = list.Snapshot;
        if (receivers.Length == 0)
        {
            return 0;
        }
        var outbound = OutboundMessage.Shared(message);
        var taken = 0;
        foreach (var connection in receivers)
        {
            if (connection.TryEnqueue(outbound))
            {
                taken++;
            }
        }
        _deliveries?.Add(taken);
        return taken;
    }

    /// <inheritdoc />
    public void CloseUser(int devId, long userId, string? credential)
    {
        if (!_byUser.TryGetValue(new UserKey(devId, userId), out var list))
        {
            return;
        }
        foreach (var connection in list.Snapshot)
        {
            if (credential is null || string.Equals(connection.Info.Credential, credential, StringComparison.Ordinal))
            {
                connection.RequestClose(CloseRequest.AuthorisationRevoked);
            }
        }
    }

    /// <summary>Stops the pipe delivery threads once they delivered what is queued (host shutdown).</summary>
    public void Dispose() => _pipeDelivery.Dispose();

    private long CountSubscriptions()
    {
        long count = 0;
        foreach (var connection in _byId.Values)
        {
            count += connection.Pipes.Count;
        }
        return count;
    }

    private long CountQueued()
    {
        long count = 0;
        foreach (var connection in _byId.Values)
        {
            count += connection.Outbound.Count;
        }
        return count;
    }

    private void OnOverflow(HubConnection connection)
    {
        Interlocked.Increment(ref _slowConsumersTotal);
        _slowConsumers?.Add(1);
        LogSlowConsumer(connection.Id, connection.Info.DevId, connection.Info.UserId);
    }

    private static void RemoveFrom<TKey>(ConcurrentDictionary<TKey, SubscriberList> index, TKey key, HubConnection connection)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var list))
        {
            return;
        }
        list.Remove(connection);
        if (list.IsEmpty)
        {
            index.TryRemove(new KeyValuePair<TKey, SubscriberList>(key, list));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing slow consumer {ConnectionId} (dev_id {DevId}, user {UserId}): its outbound queue overflowed")]
    private partial void LogSlowConsumer(string connectionId, int devId, long userId);

    private readonly record struct UserKey(int DevId, long UserId);

    private readonly record struct PipeKey(int DevId, string Pipe);
}

/// <summary>What a subscription update changed: the engine is told only the difference.</summary>
/// <summary>A pipe of one dev_id and how many of this node's connections are subscribed to it.</summary>
public sealed record PipeSubscribers(int DevId, string Pipe, int Subscribers);

public sealed record SubscriptionChange(IReadOnlyList<string> Added, IReadOnlyList<string> Removed);
