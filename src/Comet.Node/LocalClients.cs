using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Comet.Core.Engine;
using Comet.Core.Messages;
using Microsoft.Extensions.Logging;

namespace Comet.Node;

/// <summary>
/// The node's one index of its clients: by connection id, by user and by pipe. Each user and pipe entry
/// also holds what the node listens to in the cluster for it, started with its first client and stopped
/// after its last (the engine's <see cref="IMessageBus.ListenToPipeAsync"/>). Deliveries read the index
/// without locks; each message is encoded once and the same bytes go to every receiver's bounded queue,
/// and big pipe fan-outs run on the <see cref="PipeDeliveryDispatcher"/> so the publisher does not wait.
/// This is also the engine's view of the node (<see cref="ILocalNode"/>).
/// </summary>
internal sealed partial class LocalClients : ILocalNode, IDisposable
{
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, NodeClient> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<UserKey, Topic> _byUser = new();
    private readonly ConcurrentDictionary<PipeKey, Topic> _byPipe = new();
    private readonly Func<IMessageBus> _bus;
    private readonly PipeDeliveryDispatcher _pipeDelivery;
    private readonly Counter<long>? _deliveries;
    private readonly ILogger _logger;

    /// <param name="bus">The engine's bus (read when a topic starts: the engine exists only once started).</param>
    /// <param name="maxPipeDeliveryLag">How far behind pipe delivery may be before publishers wait
    /// (Comet:Limits:MaxPipeDeliveryLag; zero never holds them).</param>
    /// <param name="meter">Where the node's gauges go (none in some tests).</param>
    /// <param name="logger">The node's logger.</param>
    public LocalClients(Func<IMessageBus> bus, TimeSpan maxPipeDeliveryLag, Meter? meter, ILogger logger)
    {
        _bus = bus;
        _logger = logger;
        _pipeDelivery = new PipeDeliveryDispatcher(
            partitionCount: Math.Clamp(Environment.ProcessorCount / 2, 1, 4),
            queueCapacity: 4096,
            maxPipeDeliveryLag,
            logger);
        // Telemetry (docs/operations.md, Metrics): the names predate the node and stay for dashboards.
        _deliveries = meter?.CreateCounter<long>("comet.deliveries", description: "Messages handed to local connections' send queues (one per receiving connection).");
        meter?.CreateObservableGauge("comet.websocket.subscriptions", CountSubscriptions, description: "Pipe subscriptions of this node's connections.");
        meter?.CreateObservableGauge("comet.websocket.send_queue_depth", CountQueued, description: "Messages waiting in this node's per-connection send queues.");
        meter?.CreateObservableGauge("comet.hub.pipe_delivery_backlog", () => _pipeDelivery.Backlog,
            description: "Pipe messages handed to the delivery dispatcher and not yet delivered to every local subscriber.");
        meter?.CreateObservableCounter("comet.hub.pipe_delivery_waits", () => _pipeDelivery.PublisherWaits,
            description: "Times a publisher waited because pipe delivery was behind (older than Comet:Limits:MaxPipeDeliveryLag) or its queue was full.");
    }

    public int Count => _byId.Count;

    /// <summary>Pipe messages not yet delivered to every local subscriber.</summary>
    public long PipeDeliveryBacklog => _pipeDelivery.Backlog;

    public IReadOnlyList<LocalUser> Users => [.. _byUser.Keys.Select(k => new LocalUser(k.DevId, k.UserId))];

    /// <summary>
    /// Adds a client (stage <see cref="ClientStage.Connecting"/>): from now on it gets its user's
    /// personal messages. Returns the listening to the user's messages in the cluster, which the client
    /// must wait for before the engine registers it (nothing for an anonymous client).
    /// </summary>
    public Task Add(NodeClient client)
    {
        var record = client.Record;
        lock (_lock)
        {
            if (!_byId.TryAdd(client.Id, client))
            {
                throw new InvalidOperationException($"The connection id {client.Id} is already registered.");
            }
            return record.UserId > 0
                ? Join(_byUser, new UserKey(record.DevId, record.UserId), client)
                : Task.CompletedTask;
        }
    }

    /// <summary>From now on the engine counts the client as local (<see cref="ClientsOf"/>): call right
    /// before asking the engine to register it, so that a registration the engine repeats meanwhile
    /// either waits for that one or includes the client.</summary>
    public void MarkRegistered(NodeClient client)
    {
        lock (_lock)
        {
            if (client.Stage == ClientStage.Connecting)
            {
                client.Stage = ClientStage.Registered;
            }
        }
    }

    /// <summary>Takes a client out of the index; false when it had left already. <paramref name="pipes"/>
    /// are its subscriptions then; <paramref name="registered"/> tells whether the engine was asked to
    /// register it (and must now be told that it left).</summary>
    public bool Remove(NodeClient client, out IReadOnlySet<string> pipes, out bool registered)
    {
        var record = client.Record;
        lock (_lock)
        {
            pipes = client.Pipes;
            registered = client.Stage == ClientStage.Registered;
            if (client.Stage == ClientStage.Left)
            {
                return false;
            }
            client.Stage = ClientStage.Left;
            client.Pipes = FrozenSet<string>.Empty;
            _byId.TryRemove(new KeyValuePair<string, NodeClient>(client.Id, client));
            if (record.UserId > 0)
            {
                Leave(_byUser, new UserKey(record.DevId, record.UserId), client);
            }
            foreach (var pipe in pipes)
            {
                Leave(_byPipe, new PipeKey(record.DevId, pipe), client);
            }
            return true;
        }
    }

    /// <summary>Replaces a client's pipes; the new ones get messages from now on. Nothing changes for a
    /// client that left.</summary>
    public SubscriptionChange SetPipes(NodeClient client, IReadOnlyCollection<string> pipes)
    {
        var next = pipes.ToFrozenSet(StringComparer.Ordinal);
        lock (_lock)
        {
            if (client.Stage == ClientStage.Left)
            {
                return SubscriptionChange.None;
            }
            var previous = client.Pipes;
            var added = pipes.Where(p => !previous.Contains(p)).Distinct(StringComparer.Ordinal).ToList();
            var removed = previous.Where(p => !next.Contains(p)).ToList();
            foreach (var pipe in removed)
            {
                Leave(_byPipe, new PipeKey(client.Record.DevId, pipe), client);
            }
            foreach (var pipe in added)
            {
                _ = Join(_byPipe, new PipeKey(client.Record.DevId, pipe), client);
            }
            client.Pipes = next;
            return added.Count == 0 && removed.Count == 0 ? SubscriptionChange.None : new SubscriptionChange(added, removed);
        }
    }

    /// <summary>The node's listening to a pipe the client is subscribed to (started again if it failed
    /// before); null when the client is no longer subscribed to it.</summary>
    public Task? ListeningTo(NodeClient client, string pipe)
    {
        lock (_lock)
        {
            if (!client.Pipes.Contains(pipe) || !_byPipe.TryGetValue(new PipeKey(client.Record.DevId, pipe), out var topic))
            {
                return null;
            }
            return Listen(topic);
        }
    }

    /// <summary>The client with this id, if it is on this node.</summary>
    public NodeClient? Find(string connectionId) => _byId.GetValueOrDefault(connectionId);

    /// <summary>The clients on this node now (a copy).</summary>
    public IReadOnlyList<NodeClient> Snapshot() => [.. _byId.Values];

    /// <summary>The number of local clients subscribed to a pipe.</summary>
    public int CountSubscribers(int devId, string pipe) =>
        _byPipe.TryGetValue(new PipeKey(devId, pipe), out var topic) ? topic.Members.Snapshot.Length : 0;

    /// <summary>The pipes with the most local subscribers, most first.</summary>
    public IReadOnlyList<PipeSubscribers> TopPipes(int count) =>
        [.. _byPipe.Select(p => new PipeSubscribers(p.Key.DevId, p.Key.Pipe, p.Value.Members.Snapshot.Length))
            .Where(p => p.Subscribers > 0)
            .OrderByDescending(p => p.Subscribers).ThenBy(p => p.Pipe, StringComparer.Ordinal)
            .Take(count)];

    /// <inheritdoc />
    public void DeliverToPipe(int devId, CometMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_byPipe.TryGetValue(new PipeKey(devId, message.Pipe), out var topic))
        {
            return;
        }
        var receivers = topic.Members.Snapshot;
        if (receivers.Length == 0)
        {
            return;
        }
        // The receivers are the subscribers as of now, even if the fan-out itself runs a little later.
        _deliveries?.Add(receivers.Length);
        _pipeDelivery.Deliver(devId, message.Pipe, receivers, new SharedMessage(message), message.ExcludeConnectionId);
    }

    /// <summary>Completes once this node's delivery of <paramref name="pipe"/> is no further behind than
    /// Comet:Limits:MaxPipeDeliveryLag: what a publisher awaits after publishing (at once while the node keeps up).</summary>
    public ValueTask WaitForPipeDeliveryAsync(int devId, string pipe) => _pipeDelivery.WaitForBacklogAsync(devId, pipe);

    /// <inheritdoc />
    public int DeliverToUser(int devId, long userId, CometMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_byUser.TryGetValue(new UserKey(devId, userId), out var topic))
        {
            return 0;
        }
        var receivers = topic.Members.Snapshot;
        if (receivers.Length == 0)
        {
            return 0;
        }
        var shared = new SharedMessage(message);
        var taken = 0;
        foreach (var client in receivers)
        {
            if (client.Outbox.TryEnqueue(shared, signal: true))
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
        if (!_byUser.TryGetValue(new UserKey(devId, userId), out var topic))
        {
            return;
        }
        foreach (var client in topic.Members.Snapshot)
        {
            if (credential is null || string.Equals(client.Credential, credential, StringComparison.Ordinal))
            {
                client.Outbox.Close(CloseReason.AuthorisationRevoked);
            }
        }
    }

    /// <inheritdoc />
    public bool HasUser(int devId, long userId) => _byUser.ContainsKey(new UserKey(devId, userId));

    /// <inheritdoc />
    public IReadOnlyList<ClientRecord> ClientsOf(int devId, long userId)
    {
        lock (_lock)
        {
            return _byUser.TryGetValue(new UserKey(devId, userId), out var topic)
                ? [.. topic.Members.Snapshot.Where(c => c.Stage == ClientStage.Registered).Select(c => c.Record)]
                : [];
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<LocalSubscriptions> Subscriptions()
    {
        lock (_lock)
        {
            return [.. _byId.Values.Where(c => c.Stage == ClientStage.Registered).Select(c => new LocalSubscriptions(c.Record, [.. c.Pipes]))];
        }
    }

    /// <inheritdoc />
    public IReadOnlySet<string> PipesOf(string connectionId) =>
        _byId.TryGetValue(connectionId, out var client) ? client.Pipes : FrozenSet<string>.Empty;

    /// <summary>Stops the pipe delivery threads once they delivered what is queued (host shutdown).</summary>
    public void Dispose() => _pipeDelivery.Dispose();

    /// <summary>Adds a client to a topic, creating it (and starting to listen) for its first client.
    /// Call under the lock.</summary>
    private Task<IAsyncDisposable> Join<TKey>(ConcurrentDictionary<TKey, Topic> index, TKey key, NodeClient client)
        where TKey : notnull, ITopicKey
    {
        var topic = index.GetOrAdd(key, static k => new Topic(k));
        topic.Members.Add(client);
        return Listen(topic);
    }

    /// <summary>Removes a client from a topic; after its last client the node stops listening. Call under the lock.</summary>
    private void Leave<TKey>(ConcurrentDictionary<TKey, Topic> index, TKey key, NodeClient client)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var topic))
        {
            return;
        }
        topic.Members.Remove(client);
        if (topic.Members.IsEmpty)
        {
            index.TryRemove(new KeyValuePair<TKey, Topic>(key, topic));
            if (topic.Listening is { } listening)
            {
                _ = StopListeningAsync(topic.Key, listening);
            }
        }
    }

    /// <summary>The topic's listening; started now if it never was, or if it failed. Call under the lock.</summary>
    private Task<IAsyncDisposable> Listen(Topic topic)
    {
        if (topic.Listening is not { IsFaulted: false, IsCanceled: false } listening)
        {
            listening = StartListeningAsync(topic.Key);
            topic.Listening = listening;
        }
        return listening;
    }

    private async Task<IAsyncDisposable> StartListeningAsync(ITopicKey key)
    {
        // Off the index's lock: the engine may talk to Redis before its first await.
        await Task.Yield();
        return await key.ListenAsync(_bus());
    }

    private async Task StopListeningAsync(ITopicKey key, Task<IAsyncDisposable> listening)
    {
        try
        {
            await (await listening).DisposeAsync();
        }
        catch (Exception e)
        {
            // Never listened, or could not stop: at worst messages arrive that no local client wants.
            LogStopListeningFailed(_logger, e, key);
        }
    }

    private long CountSubscriptions()
    {
        long count = 0;
        foreach (var client in _byId.Values)
        {
            count += client.Pipes.Count;
        }
        return count;
    }

    private long CountQueued()
    {
        long count = 0;
        foreach (var client in _byId.Values)
        {
            count += client.Outbox.Queued;
        }
        return count;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stopping to listen to {Topic} failed")]
    private static partial void LogStopListeningFailed(ILogger logger, Exception exception, object topic);

    /// <summary>A user or a pipe: what the node listens to for its clients.</summary>
    private interface ITopicKey
    {
        Task<IAsyncDisposable> ListenAsync(IMessageBus bus);
    }

    private readonly record struct UserKey(int DevId, long UserId) : ITopicKey
    {
        public Task<IAsyncDisposable> ListenAsync(IMessageBus bus) => bus.ListenToUserAsync(DevId, UserId);
    }

    private readonly record struct PipeKey(int DevId, string Pipe) : ITopicKey
    {
        public Task<IAsyncDisposable> ListenAsync(IMessageBus bus) => bus.ListenToPipeAsync(DevId, Pipe);
    }

    /// <summary>The clients of one user or pipe, and the node's listening for them.</summary>
    private sealed class Topic(ITopicKey key)
    {
        public ITopicKey Key { get; } = key;

        public SubscriberList Members { get; } = new();

        /// <summary>Started with the first member; replaced when it failed and a member needs it.</summary>
        public Task<IAsyncDisposable>? Listening { get; set; }
    }
}
