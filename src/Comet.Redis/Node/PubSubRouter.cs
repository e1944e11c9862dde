using System.Threading.Channels;
using Comet.Core.Engine;
using Comet.Redis.Client;
using Comet.Redis.Wire;

namespace Comet.Redis.Node;

/// <summary>
/// This node's pub/sub side: it listens to a pipe's channel while the node has local subscribers of the
/// pipe, and to a user's channel (wake-ups for personal messages, close requests) while it holds
/// connections of the user, both reference counted; and it hands what arrives to one delivery loop so
/// that the Redis reader never waits for the hub. With sharded pub/sub each channel lives on the shard
/// of its hash slot, so a Cluster carries each message only to the nodes that listen. A pipe message
/// published longer ago than <c>maxAge</c> is dropped: only a master that hung and then ran the
/// commands queued for it delivers that late, and their senders were told that they failed.
/// </summary>
internal sealed class PubSubRouter : IAsyncDisposable
{
    private readonly RedisClient _client;
    private readonly RedisKeys _keys;
    private readonly string _self;
    private readonly ILocalDelivery _delivery;
    private readonly Action<int, long> _wakeUser;
    private readonly Action<Exception> _onError;
    private readonly TimeProvider _time;
    private readonly long _maxAgeMs;
    private readonly Channel<(string? Pipe, int DevId, byte[] Payload)> _inbox;
    private readonly Dictionary<Topic, Listening> _topics = [];
    private readonly RecentPipeMessages _recent = new();
    private readonly Action<byte[]> _onUserMessage;
    private readonly Task _loop;
    private long _dropped;
    private long _stale;
    private long _repeated;

    public PubSubRouter(
        RedisClient client, RedisKeys keys, string self, ILocalDelivery delivery, int capacity, TimeProvider time, TimeSpan maxAge,
        Action<int, long> wakeUser, Action<Exception> onError)
    {
        _time = time;
        _maxAgeMs = (long)maxAge.TotalMilliseconds;
        _client = client;
        _keys = keys;
        _self = self;
        _delivery = delivery;
        _wakeUser = wakeUser;
        _onError = onError;
        _inbox = Channel.CreateBounded<(string?, int, byte[])>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
        _onUserMessage = payload => _inbox.Writer.TryWrite((null, 0, payload));
        _loop = Task.Run(DeliverAsync);
    }

    /// <summary>Broadcast messages dropped because the local delivery loop fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Pipe messages dropped because they arrived longer than the maximum age after they were published.</summary>
    public long Stale => Interlocked.Read(ref _stale);

    /// <summary>Pipe messages dropped because they had arrived already.</summary>
    public long Repeated => Interlocked.Read(ref _repeated);

    /// <summary>Takes a reference on a pipe's channel; completes once the node listens to it.</summary>
    public Task AcquirePipeAsync(int devId, string pipe) =>
        AcquireAsync(new Topic(devId, pipe, 0), () => _keys.PipeListenChannels(devId, pipe),
            payload => _inbox.Writer.TryWrite((pipe, devId, payload)));

    /// <summary>Drops a reference on a pipe's channel; the last one stops listening.</summary>
    public void ReleasePipe(int devId, string pipe) => Release(new Topic(devId, pipe, 0));

    /// <summary>Takes a reference on a user's channel; completes once the node listens to it.</summary>
    public Task AcquireUserAsync(int devId, long userId) =>
        AcquireAsync(new Topic(devId, null, userId), () => _keys.UserListenChannels(devId, userId), _onUserMessage);

    /// <summary>Drops a reference on a user's channel; the last one stops listening.</summary>
    public void ReleaseUser(int devId, long userId) => Release(new Topic(devId, null, userId));

    public async ValueTask DisposeAsync()
    {
        _inbox.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task AcquireAsync(Topic topic, Func<PubSubChannel[]> channels, Action<byte[]> onMessage)
    {
        Task subscribed;
        lock (_topics)
        {
            if (_topics.TryGetValue(topic, out var existing))
            {
                existing.References++;
                subscribed = existing.Subscribed;
            }
            else
            {
                var listening = new Listening(SubscribeAllAsync(channels(), onMessage));
                _topics[topic] = listening;
                subscribed = listening.Subscribed;
            }
        }
        try
        {
            await subscribed.ConfigureAwait(false);
        }
        catch
        {
            Release(topic);
            throw;
        }
    }

    private void Release(Topic topic)
    {
        lock (_topics)
        {
            if (!_topics.TryGetValue(topic, out var existing) || --existing.References > 0)
            {
                return;
            }
            _topics.Remove(topic);
            _ = UnsubscribeQuietlyAsync(existing.Subscribed);
        }
    }

    /// <summary>Subscribes to every channel of a topic (two during a rolling upgrade), or to none.</summary>
    private async Task<PubSubSubscription[]> SubscribeAllAsync(PubSubChannel[] channels, Action<byte[]> onMessage)
    {
        var done = new List<PubSubSubscription>(channels.Length);
        try
        {
            foreach (var channel in channels)
            {
                done.Add(await _client.SubscribeAsync(channel, onMessage).ConfigureAwait(false));
            }
            return [.. done];
        }
        catch
        {
            foreach (var subscription in done)
            {
                await UnsubscribeQuietlyAsync(subscription).ConfigureAwait(false);
            }
            throw;
        }
    }

    private async Task UnsubscribeQuietlyAsync(Task<PubSubSubscription[]> subscribed)
    {
        PubSubSubscription[] subscriptions;
        try
        {
            subscriptions = await subscribed.ConfigureAwait(false);
        }
        catch
        {
            return; // never subscribed: nothing to undo
        }
        foreach (var subscription in subscriptions)
        {
            await UnsubscribeQuietlyAsync(subscription).ConfigureAwait(false);
        }
    }

    private async Task UnsubscribeQuietlyAsync(PubSubSubscription subscription)
    {
        try
        {
            await _client.UnsubscribeAsync(subscription).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _onError(e);
        }
    }

    private async Task DeliverAsync()
    {
        await foreach (var (pipe, devId, payload) in _inbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                Dispatch(pipe, devId, payload);
            }
            catch (Exception e)
            {
                _onError(e);
            }
        }
    }

    private void Dispatch(string? pipe, int devId, byte[] payload)
    {
        if (pipe is not null)
        {
            if (BusPayload.ReadPipeMessage(pipe, payload, _self, out var publishedAtMs, out var uniqueId) is { } message)
            {
                if (publishedAtMs > 0 && _time.GetUtcNow().ToUnixTimeMilliseconds() - publishedAtMs > _maxAgeMs)
                {
                    Interlocked.Increment(ref _stale);
                    return;
                }
                if (!_recent.TryAdd(devId, pipe, uniqueId))
                {
                    Interlocked.Increment(ref _repeated);
                    return;
                }
                _delivery.DeliverToPipe(devId, message);
            }
            return;
        }
        if (BusPayload.TryReadUserWakeUp(payload, out var userDevId, out var userId))
        {
            _wakeUser(userDevId, userId);
        }
        else if (BusPayload.TryReadCloseUser(payload, out var closeDevId, out var closeUserId, out var credential))
        {
            _delivery.CloseUser(closeDevId, closeUserId, credential);
        }
    }

    /// <summary>A pipe (<see cref="Pipe"/> set) or a user's channel.</summary>
    private readonly record struct Topic(int DevId, string? Pipe, long UserId);

    private sealed class Listening(Task<PubSubSubscription[]> subscribed)
    {
        public Task<PubSubSubscription[]> Subscribed { get; } = subscribed;
        public int References { get; set; } = 1;
    }
}
