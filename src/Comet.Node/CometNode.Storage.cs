using Comet.Core.Engine;
using Comet.Core.Messages;

namespace Comet.Node;

/// <summary>What transports read and write that the node passes to the engine unchanged: the node has
/// no state of its own in these (its own part, the clients and their subscriptions, is CometNode.cs).</summary>
public sealed partial class CometNode
{
    /// <summary>The engine's short name (<c>memory</c>, <c>redis</c>) for traces and the status page.</summary>
    public string EngineName => _engine.Name;

    /// <summary>True while the engine can serve (readiness).</summary>
    public bool IsReady => _engine.IsReady;

    /// <summary>users_auth, users_data and revoked_tokens.</summary>
    public IUserStore Users => _engine.Users;

    /// <summary>pipes_settings and pipe logs.</summary>
    public IPipeStore Pipes => _engine.Pipes;

    /// <summary>
    /// Publishes to a pipe (<see cref="IMessageBus.PublishAsync"/>), then, when this node's delivery of
    /// the pipe is behind by more than Comet:Limits:MaxPipeDeliveryLag, waits until it caught up: a
    /// publisher that sends as fast as it is answered is slowed to what the node delivers, instead of
    /// messages queueing for seconds. The message is published either way; only the answer waits.
    /// </summary>
    public Task<long> PublishAsync(int devId, CometMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var publish = _engine.Bus.PublishAsync(devId, message);
        if (!publish.IsCompletedSuccessfully)
        {
            return PublishThenWaitAsync(publish, devId, message.Pipe);
        }
        // The memory engine's path: no allocation unless the node is behind.
        var caughtUp = _clients.WaitForPipeDeliveryAsync(devId, message.Pipe);
        return caughtUp.IsCompletedSuccessfully ? publish : WaitThenAnswerAsync(caughtUp, publish.Result);
    }

    private async Task<long> PublishThenWaitAsync(Task<long> publish, int devId, string pipe)
    {
        var subscribers = await publish;
        await _clients.WaitForPipeDeliveryAsync(devId, pipe);
        return subscribers;
    }

    private static async Task<long> WaitThenAnswerAsync(ValueTask caughtUp, long subscribers)
    {
        await caughtUp;
        return subscribers;
    }

    /// <inheritdoc cref="IMessageBus.SendToUserAsync"/>
    public Task SendToUserAsync(int devId, long userId, string @event, string message) => _engine.Bus.SendToUserAsync(devId, userId, @event, message);

    /// <inheritdoc cref="IMessageBus.GetQueueAsync"/>
    public Task<IReadOnlyList<QueuedMessage>> GetQueueAsync(int devId, long userId) => _engine.Bus.GetQueueAsync(devId, userId);

    /// <inheritdoc cref="IMessageBus.ClearQueueAsync"/>
    public Task ClearQueueAsync(int devId, long userId) => _engine.Bus.ClearQueueAsync(devId, userId);

    /// <inheritdoc cref="IMessageBus.CloseUserAsync"/>
    public Task CloseUserAsync(int devId, long userId, string? credential) => _engine.Bus.CloseUserAsync(devId, userId, credential);

    /// <inheritdoc cref="IPresence.AcknowledgeAsync"/>
    public Task<bool> AcknowledgeAsync(NodeClient client, long seq)
    {
        ArgumentNullException.ThrowIfNull(client);
        return _engine.Presence.AcknowledgeAsync(client.Record, seq);
    }

    /// <inheritdoc cref="IPresence.CountSubscribersAsync"/>
    public Task<IReadOnlyList<PipeCount>> CountSubscribersAsync(int devId, IReadOnlyCollection<string> pipes) =>
        _engine.Presence.CountSubscribersAsync(devId, pipes);

    /// <inheritdoc cref="IPresence.GetSubscribersAsync"/>
    public Task<IReadOnlyList<ClientRecord>> GetSubscribersAsync(int devId, string pipe) => _engine.Presence.GetSubscribersAsync(devId, pipe);

    /// <inheritdoc cref="IPresence.GetUserTimesAsync"/>
    public Task<IReadOnlyList<UserTime>> GetUserTimesAsync(int devId, IReadOnlyCollection<long> userIds) =>
        _engine.Presence.GetUserTimesAsync(devId, userIds);
}
