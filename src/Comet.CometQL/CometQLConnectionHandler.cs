using Microsoft.AspNetCore.Connections;

namespace Comet.CometQL;

// PLACEHOLDER: the CometQL work replaces this with the MySQL protocol server.
public sealed class CometQLConnectionHandler : ConnectionHandler
{
    public override Task OnConnectedAsync(ConnectionContext connection) => Task.CompletedTask;
}
