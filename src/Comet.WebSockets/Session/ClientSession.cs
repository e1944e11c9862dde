using Comet.Core.Engine;
using Comet.Node;
using Comet.WebSockets.Delivery;
using Comet.WebSockets.Protocol;

namespace Comet.WebSockets.Session;

/// <summary>One authenticated WebSocket client: what commands need to answer it and to act for it.</summary>
internal sealed class ClientSession(SessionServices services, NodeClient client, WebSocketOutbox outbox)
{
    private Dictionary<string, bool>? _privateGrants;

    public SessionServices Services { get; } = services;

    /// <summary>The client as the node knows it (its subscriptions).</summary>
    public NodeClient Client { get; } = client;

    /// <summary>The client's send queue.</summary>
    public WebSocketOutbox Outbox { get; } = outbox;

    public ClientRecord Info => Client.Record;

    public int DevId => Info.DevId;

    /// <summary>The authorised user, or 0 for an anonymous connection.</summary>
    public long UserId => Info.UserId;

    public bool IsAuthorized => Info.UserId > 0;

    /// <summary>True when a JWT authorised the connection (it expires, and may be refreshed); false for
    /// a users_auth hash or an anonymous connection.</summary>
    public bool IsTokenAuthorised { get; init; }

    public bool Compat => Outbox.Compat;

    /// <summary>The highest seq this connection acknowledged and the engine took (<c>ack</c>).</summary>
    public long Acknowledged { get; set; }

    /// <summary>The node: every command's way to the rest of the gateway.</summary>
    public CometNode Node => Services.Node;

    public long Now => Services.Now;

    /// <summary>Backend answers about private channels, cached for the life of the connection (made on
    /// first use: most connections never ask, and an idle connection should cost little).</summary>
    public IDictionary<string, bool> PrivateGrants => _privateGrants ??= new(StringComparer.Ordinal);

    /// <summary>Queues bytes already encoded for this connection.</summary>
    public void Send(byte[] bytes) => Outbox.TryEnqueue(OutboundMessage.Encoded(bytes));

    /// <summary>Queues a sys error event; the connection stays open.</summary>
    public void SendError(string text, bool numberMessages = false, string? code = null) =>
        Send(ServerMessages.Error(text, Now, Compat, numberMessages, code));
}
