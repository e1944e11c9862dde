using System.Threading.Channels;
using Comet.Core.Engine;
using Comet.Redis.Client;
using Comet.Redis.Wire;

namespace Comet.Redis.Node;

/// <summary>
/// This node's pub/sub side: it listens to a pipe's channel, or to a user's (wake-ups for personal
/// messages, close requests), for as long as the node asks (the node listens while it has clients for
/// them: <see cref="ILocalNode"/> owns that count), and hands what arrives to one delivery loop so that
/// the Redis reader never waits for the node. With sharded pub/sub each channel lives on the shard
/// of its hash slot, so a Cluster carries each message only to the nodes that listen. A pipe message
/// published longer ago than <c>maxAge</c> is dropped: only a master that hung and then ran the
/// commands queued for it delivers that late, and their senders were told that they failed.
/// </summary>
internal sealed class PubSubRouter : IAsyncDisposable
{
    private readonly RedisClient _client;
    private readonly RedisKeys _keys;
    private readonly string _self;
    private readonly ILocalNode _node;
    private readonly Action<int, long> _wakeUser;
    private readonly Action<Exception> _onError;
    private readonly TimeProvider _time;
    private readonly long _maxAgeMs;
    private readonly Channel<(string? Pipe, int DevId, byte[] Payload)> _inbox;
    private readonly RecentPipeMessages _recent = new();
    private readonly Action<byte[]> _onUserMessage;
    private readonly Task _loop;
    private long _dropped;
    private long _stale;
    private long _repeated;

    public PubSubRouter(
        RedisClient client, RedisKeys keys, string self, ILocalNode node, int capacity, TimeProvider time, TimeSpan maxAge,
        Action<int, long> wakeUser, Action<Exception> onError)
    {
        _time = time;
        _maxAgeMs = (long)maxAge.TotalMilliseconds;
        _client = client;
        _keys = keys;
        _self = self;
        _node = node;
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

    /// <summary>Listens to a pipe's channel (two during a rolling upgrade) until the result is disposed.</summary>
    public async Task<IAsyncDisposable> ListenToPipeAsync(int devId, string pipe) =>
        new Listening(this, await SubscribeAllAsync(_keys.PipeListenChannels(devId, pipe),
            payload => _inbox.Writer.TryWrite((pipe, devId, payload))).ConfigureAwait(false));

    /// <summary>Listens to a user's channel until the result is disposed.</summary>
    public async Task<IAsyncDisposable> ListenToUserAsync(int devId, long userId) =>
        new Listening(this, await SubscribeAllAsync(_keys.UserListenChannels(devId, userId), _onUserMessage).ConfigureAwait(false));

    public async ValueTask DisposeAsync()
    {
        _inbox.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
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
                _node.DeliverToPipe(devId, message);
            }
            return;
        }
        if (BusPayload.TryReadUserWakeUp(payload, out var userDevId, out var userId))
        {
            _wakeUser(userDevId, userId);
        }
        else if (BusPayload.TryReadCloseUser(payload, out var closeDevId, out var closeUserId, out var credential))
        {
            _node.CloseUser(closeDevId, closeUserId, credential);
        }
    }

    /// <summary>The node's listening to one pipe or user: disposing it unsubscribes.</summary>
    private sealed class Listening(PubSubRouter router, PubSubSubscription[] subscriptions) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var subscription in subscriptions)
            {
                await router.UnsubscribeQuietlyAsync(subscription).ConfigureAwait(false);
            }
        }
    }
}
