using Comet.Core.Engine;

namespace Comet.Testing.Conformance;

/// <summary>
/// The engine under test, with its presence calls also told to the <see cref="RecordingNode"/>, the way a
/// real node holds its clients: an engine that registers everything again (a new registration id after a
/// lost connection to Redis) must find the connections and subscriptions the test made.
/// </summary>
internal sealed class NodeReportingEngine(ICometEngine inner, RecordingNode node) : ICometEngine
{
    public string Name => inner.Name;

    public IUserStore Users => inner.Users;

    public IPipeStore Pipes => inner.Pipes;

    public IMessageBus Bus => inner.Bus;

    public IPresence Presence { get; } = new NodeReportingPresence(inner.Presence, node);

    public bool IsReady => inner.IsReady;

    public Task StartAsync(ILocalNode localNode, CancellationToken cancellationToken) => inner.StartAsync(localNode, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => inner.StopAsync(cancellationToken);

    private sealed class NodeReportingPresence(IPresence inner, RecordingNode node) : IPresence
    {
        public async Task<ConnectResult> ConnectAsync(ClientRecord connection)
        {
            // A node holds the client before it registers it, and lets it go when refused.
            node.Connected(connection);
            try
            {
                var result = await inner.ConnectAsync(connection);
                if (!result.Accepted)
                {
                    node.Disconnected(connection);
                }
                return result;
            }
            catch
            {
                node.Disconnected(connection);
                throw;
            }
        }

        public Task DisconnectAsync(ClientRecord connection, IReadOnlyCollection<string> pipes)
        {
            node.Disconnected(connection);
            return inner.DisconnectAsync(connection, pipes);
        }

        public Task UpdateSubscriptionsAsync(ClientRecord connection, IReadOnlyCollection<string> added, IReadOnlyCollection<string> removed)
        {
            node.SubscriptionsChanged(connection, added, removed);
            return inner.UpdateSubscriptionsAsync(connection, added, removed);
        }

        public Task<bool> AcknowledgeAsync(ClientRecord connection, long seq) => inner.AcknowledgeAsync(connection, seq);

        public Task<IReadOnlyList<PipeCount>> CountSubscribersAsync(int devId, IReadOnlyCollection<string> pipes) =>
            inner.CountSubscribersAsync(devId, pipes);

        public Task<IReadOnlyList<ClientRecord>> GetSubscribersAsync(int devId, string pipe) => inner.GetSubscribersAsync(devId, pipe);

        public Task<IReadOnlyList<UserTime>> GetUserTimesAsync(int devId, IReadOnlyCollection<long> userIds) =>
            inner.GetUserTimesAsync(devId, userIds);
    }
}
