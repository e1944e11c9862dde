using System.Threading.Channels;
using Comet.Core.Engine;
using Comet.Redis.Wire;
using StackExchange.Redis;

namespace Comet.Redis.Node;

/// <summary>
/// This node's pub/sub side: it SUBSCRIBEs to a pipe's channel while the node has local subscribers
/// (reference counted), listens on its own node channel (wake-ups for personal messages) and the
/// control channel (closing users), and hands what arrives to one delivery loop so that the Redis
/// reader never waits for the hub.
/// </summary>
internal sealed class PubSubRouter : IAsyncDisposable
{
    private readonly RedisClient _client;
    private readonly RedisKeys _keys;
    private readonly string _node;
    private readonly ILocalDelivery _delivery;
    private readonly Action<int, long> _wakeUser;
    private readonly Action<Exception> _onError;
    private readonly Channel<(string? Pipe, int DevId, byte[] Payload)> _inbox;
    private readonly Dictionary<(int DevId, string Pipe), PipeSubscription> _pipes = [];
    private readonly Action<RedisChannel, RedisValue> _onPipeMessage;
    private readonly Action<RedisChannel, RedisValue> _onNodeMessage;
    private readonly Task _loop;
    private long _dropped;

    public PubSubRouter(
        RedisClient client, RedisKeys keys, string node, ILocalDelivery delivery, int capacity,
        Action<int, long> wakeUser, Action<Exception> onError)
    {
        _client = client;
        _keys = keys;
        _node = node;
        _delivery = delivery;
        _wakeUser = wakeUser;
        _onError = onError;
        _inbox = Channel.CreateBounded<(string?, int, byte[])>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
        _onPipeMessage = OnPipeMessage;
        _onNodeMessage = OnNodeMessage;
        _loop = Task.Run(DeliverAsync);
    }

    /// <summary>Broadcast messages dropped because the local delivery loop fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>True once the node and control channels are subscribed.</summary>
    public bool NodeChannelsSubscribed { get; private set; }

    /// <summary>Subscribes to this node's channel and the control channel (retried by the caller until it works).</summary>
    public async Task SubscribeNodeChannelsAsync()
    {
        if (NodeChannelsSubscribed)
        {
            return;
        }
        await _client.SubscribeAsync(_keys.NodeChannel(_node), _onNodeMessage).ConfigureAwait(false);
        await _client.SubscribeAsync(_keys.ControlChannel, _onNodeMessage).ConfigureAwait(false);
        NodeChannelsSubscribed = true;
    }

    /// <summary>Takes a reference on a pipe's channel; completes once the SUBSCRIBE is active.</summary>
    public async Task AcquireAsync(int devId, string pipe)
    {
        Task subscribed;
        lock (_pipes)
        {
            if (_pipes.TryGetValue((devId, pipe), out var existing))
            {
                existing.References++;
                subscribed = existing.Subscribed;
            }
            else
            {
                subscribed = _client.SubscribeAsync(_keys.PipeChannel(devId, pipe), _onPipeMessage);
                _pipes[(devId, pipe)] = new PipeSubscription(subscribed);
            }
        }
        try
        {
            await subscribed.ConfigureAwait(false);
        }
        catch
        {
            Release(devId, pipe);
            throw;
        }
    }

    /// <summary>Drops a reference; the last one UNSUBSCRIBEs.</summary>
    public void Release(int devId, string pipe)
    {
        lock (_pipes)
        {
            if (!_pipes.TryGetValue((devId, pipe), out var existing) || --existing.References > 0)
            {
                return;
            }
            _pipes.Remove((devId, pipe));
            _ = UnsubscribeQuietlyAsync(devId, pipe);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _inbox.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task UnsubscribeQuietlyAsync(int devId, string pipe)
    {
        try
        {
            await _client.UnsubscribeAsync(_keys.PipeChannel(devId, pipe), _onPipeMessage).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _onError(e);
        }
    }

    private void OnPipeMessage(RedisChannel channel, RedisValue value)
    {
        if (_keys.TryParsePipeChannel(channel!, out var devId, out var pipe))
        {
            _inbox.Writer.TryWrite((pipe, devId, (byte[])value!));
        }
    }

    private void OnNodeMessage(RedisChannel channel, RedisValue value) =>
        _inbox.Writer.TryWrite((null, 0, (byte[])value!));

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
            if (BusPayload.ReadPipeMessage(pipe, payload, _node) is { } message)
            {
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

    private sealed class PipeSubscription(Task subscribed)
    {
        public Task Subscribed { get; } = subscribed;
        public int References { get; set; } = 1;
    }
}
