using System.Collections.Concurrent;
using Comet.Core.Engine;
using Comet.Core.Messages;

namespace Comet.Testing.Engines;

/// <summary>
/// A real engine with faults on demand, for the node's tests: presence and bus calls pass to the inner
/// engine unless the test made that operation fail (<see cref="StorageUnavailableException"/>, as a
/// Redis that refuses); listening is counted while it lasts.
/// </summary>
public sealed class FaultyEngine : ICometEngine
{
    private readonly ICometEngine _inner;
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private int _listening;

    public FaultyEngine(ICometEngine inner)
    {
        _inner = inner;
        Presence = new FaultyPresence(this);
        Bus = new FaultyBus(this);
    }

    public string Name => _inner.Name;
    public IUserStore Users => _inner.Users;
    public IPipeStore Pipes => _inner.Pipes;
    public IMessageBus Bus { get; }
    public IPresence Presence { get; }
    public bool IsReady => _inner.IsReady;

    /// <summary>Pipes and users the node listens to now.</summary>
    public int Listening => Volatile.Read(ref _listening);

    /// <summary>Makes the next <paramref name="times"/> calls of an operation (a method name of
    /// <see cref="IPresence"/> or <see cref="IMessageBus"/>) fail; <see cref="int.MaxValue"/> until <see cref="Heal"/>.</summary>
    public void Fail(string operation, int times = int.MaxValue) => _failures[operation] = times;

    /// <summary>Lets every operation through again.</summary>
    public void Heal() => _failures.Clear();

    /// <summary>How often an operation was called (failed calls included).</summary>
    public int Calls(string operation) => _calls.GetValueOrDefault(operation);

    public Task StartAsync(ILocalNode node, CancellationToken cancellationToken) => _inner.StartAsync(node, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _inner.StopAsync(cancellationToken);

    private void Enter(string operation)
    {
        _calls.AddOrUpdate(operation, 1, (_, n) => n + 1);
        if (_failures.TryGetValue(operation, out var left) && left > 0)
        {
            _failures[operation] = left == int.MaxValue ? left : left - 1;
            throw new StorageUnavailableException($"{operation} refused by the test.");
        }
    }

    private async Task<IAsyncDisposable> CountAsync(Func<Task<IAsyncDisposable>> listen)
    {
        var inner = await listen();
        Interlocked.Increment(ref _listening);
        return new CountedListening(this, inner);
    }

    private sealed class CountedListening(FaultyEngine engine, IAsyncDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            Interlocked.Decrement(ref engine._listening);
            return inner.DisposeAsync();
        }
    }

    private sealed class FaultyPresence(FaultyEngine engine) : IPresence
    {
        private IPresence Inner => engine._inner.Presence;

        public Task<ConnectResult> ConnectAsync(ClientRecord connection)
        {
            engine.Enter(nameof(ConnectAsync));
            return Inner.ConnectAsync(connection);
        }

        public Task DisconnectAsync(ClientRecord connection, IReadOnlyCollection<string> pipes)
        {
            engine.Enter(nameof(DisconnectAsync));
            return Inner.DisconnectAsync(connection, pipes);
        }

        public Task UpdateSubscriptionsAsync(ClientRecord connection, IReadOnlyCollection<string> added, IReadOnlyCollection<string> removed)
        {
            engine.Enter(nameof(UpdateSubscriptionsAsync));
            return Inner.UpdateSubscriptionsAsync(connection, added, removed);
        }

        public Task<IReadOnlyList<PipeCount>> CountSubscribersAsync(int devId, IReadOnlyCollection<string> pipes) => Inner.CountSubscribersAsync(devId, pipes);

        public Task<IReadOnlyList<ClientRecord>> GetSubscribersAsync(int devId, string pipe) => Inner.GetSubscribersAsync(devId, pipe);

        public Task<IReadOnlyList<UserTime>> GetUserTimesAsync(int devId, IReadOnlyCollection<long> userIds) => Inner.GetUserTimesAsync(devId, userIds);

        public Task<bool> AcknowledgeAsync(ClientRecord connection, long seq)
        {
            engine.Enter(nameof(AcknowledgeAsync));
            return Inner.AcknowledgeAsync(connection, seq);
        }
    }

    private sealed class FaultyBus(FaultyEngine engine) : IMessageBus
    {
        private IMessageBus Inner => engine._inner.Bus;

        public Task<IAsyncDisposable> ListenToPipeAsync(int devId, string pipe)
        {
            engine.Enter(nameof(ListenToPipeAsync));
            return engine.CountAsync(() => Inner.ListenToPipeAsync(devId, pipe));
        }

        public Task<IAsyncDisposable> ListenToUserAsync(int devId, long userId)
        {
            engine.Enter(nameof(ListenToUserAsync));
            return engine.CountAsync(() => Inner.ListenToUserAsync(devId, userId));
        }

        public Task<long> PublishAsync(int devId, CometMessage message) => Inner.PublishAsync(devId, message);

        public Task SendToUserAsync(int devId, long userId, string @event, string message) => Inner.SendToUserAsync(devId, userId, @event, message);

        public Task<IReadOnlyList<QueuedMessage>> GetQueueAsync(int devId, long userId) => Inner.GetQueueAsync(devId, userId);

        public Task ClearQueueAsync(int devId, long userId) => Inner.ClearQueueAsync(devId, userId);

        public Task CloseUserAsync(int devId, long userId, string? credential) => Inner.CloseUserAsync(devId, userId, credential);
    }
}
