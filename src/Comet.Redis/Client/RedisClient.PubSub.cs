using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Comet.Redis.Client;

/// <summary>
/// Pub/sub in the engine's terms: a handler per subscription receives the payload's bytes. The client
/// remembers every live subscription, so that a new link (a Sentinel switch) listens to the same.
/// </summary>
internal sealed partial class RedisClient
{
    private readonly ConcurrentDictionary<PubSubSubscription, byte> _subscriptions = new();

    /// <summary>Subscribes a handler; completes once the (S)SUBSCRIBE is active.</summary>
    public Task<PubSubSubscription> SubscribeAsync(PubSubChannel channel, Action<byte[]> onMessage) =>
        RunAsync(async _ =>
        {
            Action<RedisChannel, RedisValue> handler = (_, value) => onMessage((byte[])value!);
            var subscription = new PubSubSubscription(channel, handler);
            _subscriptions[subscription] = 0;
            var link = _link;
            await link.Subscriber.SubscribeAsync(ToChannel(channel), handler).ConfigureAwait(false);
            if (link != _link)
            {
                // The link was replaced meanwhile and may have been made before this was remembered.
                await _link.Subscriber.SubscribeAsync(ToChannel(channel), handler).ConfigureAwait(false);
            }
            return subscription;
        }, "subscribe");

    /// <summary>Removes a handler; the channel's last one (S)UNSUBSCRIBEs.</summary>
    public Task UnsubscribeAsync(PubSubSubscription subscription) =>
        RunAsync(async database =>
        {
            _subscriptions.TryRemove(subscription, out _);
            await _link.Subscriber.UnsubscribeAsync(ToChannel(subscription.Channel), subscription.Handler).ConfigureAwait(false);
            return true;
        }, "unsubscribe");

    /// <summary>(S)PUBLISHes a payload; returns the number of receivers the server counted.</summary>
    public Task<long> PublishAsync(PubSubChannel channel, byte[] payload) =>
        RunAsync(_ => _link.Subscriber.PublishAsync(ToChannel(channel), payload), "publish");

    /// <summary>Listens on <paramref name="link"/> to everything the client listens to.</summary>
    private async Task SubscribeAllAsync(RedisLink link)
    {
        foreach (var subscription in _subscriptions.Keys)
        {
            await link.Subscriber.SubscribeAsync(ToChannel(subscription.Channel), subscription.Handler).ConfigureAwait(false);
        }
    }

    private static RedisChannel ToChannel(PubSubChannel channel) =>
        channel.Sharded ? RedisChannel.Sharded(channel.Name) : RedisChannel.Literal(channel.Name);
}

/// <summary>A handler's subscription to a channel; unsubscribing needs both.</summary>
internal sealed record PubSubSubscription(PubSubChannel Channel, Action<RedisChannel, RedisValue> Handler);
