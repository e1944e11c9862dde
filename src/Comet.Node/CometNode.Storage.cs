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

    /// <inheritdoc cref="IMessageBus.PublishAsync"/>
    public Task<long> PublishAsync(int devId, CometMessage message) => _engine.Bus.PublishAsync(devId, message);

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
