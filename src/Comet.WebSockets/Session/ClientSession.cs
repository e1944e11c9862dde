using Comet.Core.Engine;
using Comet.Core.Hub;
using Comet.WebSockets.Protocol;

namespace Comet.WebSockets.Session;

/// <summary>One authenticated WebSocket client: what commands need to answer it and to act for it.</summary>
internal sealed class ClientSession(SessionServices services, HubConnection connection)
{
    private Dictionary<string, bool>? _privateGrants;

    public SessionServices Services { get; } = services;

    public HubConnection Connection { get; } = connection;

    public ClientRecord Info => Connection.Info;

    public int DevId => Info.DevId;

    /// <summary>The authorised user, or 0 for an anonymous connection.</summary>
    public long UserId => Info.UserId;

    public bool IsAuthorized => Info.UserId > 0;

    public bool Compat => Connection.Compat;

    public ICometEngine Engine => Services.Engine;

    public long Now => Services.Now;

    /// <summary>Backend answers about private channels, cached for the life of the connection (made on
    /// first use: most connections never ask, and an idle connection should cost little).</summary>
    public IDictionary<string, bool> PrivateGrants => _privateGrants ??= new(StringComparer.Ordinal);

    /// <summary>Queues bytes already encoded for this connection.</summary>
    public void Send(byte[] bytes) => Connection.TryEnqueue(OutboundMessage.Encoded(bytes));

    /// <summary>Queues a sys error event; the connection stays open.</summary>
    public void SendError(string text, bool numberMessages = false, string? code = null) =>
        Send(ServerMessages.Error(text, Now, Compat, numberMessages, code));
}
