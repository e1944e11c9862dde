using System.Collections.Frozen;
using Comet.Core.Engine;

namespace Comet.Node;

/// <summary>
/// One client connection as the node sees it: who it is, where its messages go, and the pipes it is
/// subscribed to. A transport makes one per connection and hands it to <see cref="CometNode.ConnectAsync"/>,
/// then to <see cref="CometNode.DisconnectAsync"/> when the connection ends; the node owns the rest.
/// </summary>
public sealed class NodeClient
{
    private volatile string? _credential;

    public NodeClient(ClientRecord record, IClientOutbox outbox)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(outbox);
        Record = record;
        Outbox = outbox;
        _credential = record.Credential;
    }

    /// <summary>The client as the cluster knows it.</summary>
    public ClientRecord Record { get; }

    public string Id => Record.ConnectionId;

    /// <summary>The hash or JWT the client is authorised with now (null if anonymous): what revoking a
    /// token is compared with. It starts as <see cref="ClientRecord.Credential"/> and changes when the
    /// client refreshes its token on the open connection (<see cref="ReplaceCredential"/>).</summary>
    public string? Credential => _credential;

    /// <summary>From now on revoking <paramref name="credential"/> closes this client, and revoking the
    /// one it replaces no longer does. The transport checked that it authorises the same user.</summary>
    public void ReplaceCredential(string credential)
    {
        ArgumentException.ThrowIfNullOrEmpty(credential);
        _credential = credential;
    }

    /// <summary>Where the node hands the client's messages.</summary>
    public IClientOutbox Outbox { get; }

    /// <summary>The pipes the client is subscribed to on this node: what it receives here, and what the
    /// engine is brought to agree with. Replaced as a whole by the node.</summary>
    public IReadOnlySet<string> Pipes { get; internal set; } = FrozenSet<string>.Empty;

    /// <summary>Where the client is in its life on this node; changed under the index's lock.</summary>
    internal ClientStage Stage { get; set; }

    /// <summary>The pipes the engine has registered for the client. Only the agreement changes it, one
    /// change at a time (<see cref="Agreement"/>).</summary>
    internal HashSet<string> Agreed { get; } = new(StringComparer.Ordinal);

    /// <summary>True once the engine agreed that the client left.</summary>
    internal bool Gone { get; set; }

    /// <summary>Held while the node brings the engine to agree with this client, so that its changes
    /// reach the engine one at a time and in order.</summary>
    internal SemaphoreSlim Agreement { get; } = new(1, 1);
}

/// <summary>A client's life on its node.</summary>
internal enum ClientStage
{
    /// <summary>In the index (it gets messages, held back by its transport), not yet registered with the engine.</summary>
    Connecting,

    /// <summary>The node asked the engine to register it: the engine counts it as local.</summary>
    Registered,

    /// <summary>Out of the index; the engine is told (and told again until it agrees).</summary>
    Left,
}
