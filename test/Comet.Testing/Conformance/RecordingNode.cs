using Comet.Core.Engine;
using Comet.Core.Messages;

namespace Comet.Testing.Conformance;

/// <summary>A message handed to <see cref="ILocalNode.DeliverToPipe"/>.</summary>
public sealed record PipeDelivery(int DevId, CometMessage Message);

/// <summary>A personal message handed to <see cref="ILocalNode.DeliverToUser"/> and how many local connections took it.</summary>
public sealed record UserDelivery(int DevId, long UserId, CometMessage Message, int Taken);

/// <summary>A call of <see cref="ILocalNode.CloseUser"/>.</summary>
public sealed record RecordedClose(int DevId, long UserId, string? Credential);

/// <summary>
/// A stand-in for the node that records what an engine delivers. The conformance suite tests one engine
/// class, so a recording fake is the right tool here; the node itself has its own tests (Comet.Node.Tests),
/// and the engines' tests with nodes run on real ones.
/// </summary>
/// <remarks>
/// No local connection takes a personal message until <see cref="SetLocalConnections"/> says otherwise, so
/// <see cref="DeliverToUser"/> returns 0 by default (the node had nobody to give the message to). The
/// clients the test connected and subscribed through the engine under test are reported as a node's
/// (<see cref="ClientsOf"/>, <see cref="Subscriptions"/>), so that an engine registering everything again
/// finds them.
/// </remarks>
public sealed class RecordingNode : ILocalNode
{
    private readonly Lock _sync = new();
    private readonly List<PipeDelivery> _pipeMessages = [];
    private readonly List<UserDelivery> _userMessages = [];
    private readonly List<RecordedClose> _closes = [];
    private readonly Dictionary<(int DevId, long UserId), int> _localConnections = [];
    private readonly Dictionary<string, LocalClient> _clients = new(StringComparer.Ordinal);

    /// <summary>Every pipe message delivered so far, in delivery order.</summary>
    public IReadOnlyList<PipeDelivery> PipeMessages
    {
        get
        {
            lock (_sync)
            {
                return [.. _pipeMessages];
            }
        }
    }

    /// <summary>Every personal message offered so far (also those no local connection took).</summary>
    public IReadOnlyList<UserDelivery> UserMessages
    {
        get
        {
            lock (_sync)
            {
                return [.. _userMessages];
            }
        }
    }

    public IReadOnlyList<RecordedClose> Closes
    {
        get
        {
            lock (_sync)
            {
                return [.. _closes];
            }
        }
    }

    /// <summary>Pretends that <paramref name="count"/> local connections of the user take personal messages.</summary>
    public void SetLocalConnections(int devId, long userId, int count)
    {
        lock (_sync)
        {
            _localConnections[(devId, userId)] = count;
        }
    }

    /// <summary>The pipe messages of one pipe of one namespace, in delivery order.</summary>
    public IReadOnlyList<CometMessage> MessagesOn(int devId, string pipe)
    {
        lock (_sync)
        {
            return [.. _pipeMessages.Where(d => d.DevId == devId && d.Message.Pipe == pipe).Select(d => d.Message)];
        }
    }

    /// <summary>The personal messages that local connections of the user took, in delivery order.</summary>
    public IReadOnlyList<CometMessage> TakenBy(int devId, long userId)
    {
        lock (_sync)
        {
            return [.. _userMessages.Where(d => d.DevId == devId && d.UserId == userId && d.Taken > 0).Select(d => d.Message)];
        }
    }

    public void DeliverToPipe(int devId, CometMessage message)
    {
        lock (_sync)
        {
            _pipeMessages.Add(new PipeDelivery(devId, message));
        }
    }

    public int DeliverToUser(int devId, long userId, CometMessage message)
    {
        lock (_sync)
        {
            var taken = _localConnections.GetValueOrDefault((devId, userId));
            _userMessages.Add(new UserDelivery(devId, userId, message, taken));
            return taken;
        }
    }

    public void CloseUser(int devId, long userId, string? credential)
    {
        lock (_sync)
        {
            _closes.Add(new RecordedClose(devId, userId, credential));
        }
    }

    public IReadOnlyList<LocalUser> Users
    {
        get
        {
            lock (_sync)
            {
                return [.. _localConnections.Where(c => c.Value > 0).Select(c => new LocalUser(c.Key.DevId, c.Key.UserId))
                    .Union(_clients.Values.Where(c => c.Record.UserId > 0).Select(c => new LocalUser(c.Record.DevId, c.Record.UserId)))];
            }
        }
    }

    public bool HasUser(int devId, long userId)
    {
        lock (_sync)
        {
            return _localConnections.GetValueOrDefault((devId, userId)) > 0
                || _clients.Values.Any(c => c.Record.DevId == devId && c.Record.UserId == userId);
        }
    }

    public IReadOnlyList<ClientRecord> ClientsOf(int devId, long userId)
    {
        lock (_sync)
        {
            return [.. _clients.Values.Where(c => c.Record.DevId == devId && c.Record.UserId == userId).Select(c => c.Record)];
        }
    }

    public IReadOnlyList<LocalSubscriptions> Subscriptions()
    {
        lock (_sync)
        {
            return [.. _clients.Values.Where(c => c.Pipes.Count > 0).Select(c => new LocalSubscriptions(c.Record, [.. c.Pipes]))];
        }
    }

    public IReadOnlySet<string> PipesOf(string connectionId)
    {
        lock (_sync)
        {
            return _clients.TryGetValue(connectionId, out var client) ? new HashSet<string>(client.Pipes, StringComparer.Ordinal) : new HashSet<string>();
        }
    }

    /// <summary>The test connected this client through the engine (<see cref="NodeReportingEngine"/>).</summary>
    internal void Connected(ClientRecord client)
    {
        lock (_sync)
        {
            _clients.TryAdd(client.ConnectionId, new LocalClient(client));
        }
    }

    /// <summary>The client left.</summary>
    internal void Disconnected(ClientRecord client)
    {
        lock (_sync)
        {
            _clients.Remove(client.ConnectionId);
        }
    }

    /// <summary>The client's pipes changed (an anonymous client is held from its first subscription).</summary>
    internal void SubscriptionsChanged(ClientRecord client, IReadOnlyCollection<string> added, IReadOnlyCollection<string> removed)
    {
        lock (_sync)
        {
            if (!_clients.TryGetValue(client.ConnectionId, out var local))
            {
                local = new LocalClient(client);
                _clients.Add(client.ConnectionId, local);
            }
            local.Pipes.ExceptWith(removed);
            local.Pipes.UnionWith(added);
        }
    }

    private sealed record LocalClient(ClientRecord Record)
    {
        public HashSet<string> Pipes { get; } = new(StringComparer.Ordinal);
    }
}
