using System.Net;
using Comet.Core.Diagnostics;
using Comet.Core.ProxyProtocol;
using Comet.Core.Security;
using Comet.CometQL.Execution;
using Comet.CometQL.Limits;
using Comet.CometQL.Protocol;
using Comet.CometQL.Serialization;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comet.CometQL;

/// <summary>
/// Kestrel's entry point for the CometQL port: admits the connection (node and per-address limits, the
/// descriptors shared with WebSockets, blocked addresses, drain), then runs one <see cref="CometQLSession"/> on it.
/// </summary>
public sealed class CometQLConnectionHandler : ConnectionHandler
{
    private readonly CometQLServices _services;
    private readonly ConnectionLimiter _limiter;
    private readonly CometMetrics _metrics;
    private readonly CometQLInstruments _instruments;
    /// <summary>The host's ApplicationStopping: from then on new connections are refused and sessions drain.</summary>
    private readonly CancellationToken _stopping;

    internal CometQLConnectionHandler(
        CometQLServices services,
        ConnectionLimiter limiter,
        CometMetrics metrics,
        CometQLInstruments instruments,
        CancellationToken stopping)
    {
        _services = services;
        _limiter = limiter;
        _metrics = metrics;
        _instruments = instruments;
        _stopping = stopping;
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var address = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        var admission = _stopping.IsCancellationRequested ? Admission.Draining : _limiter.TryAdmit(address);
        try
        {
            if (admission != Admission.Accepted)
            {
                await RefuseAsync(connection, admission, address);
                return;
            }
            _metrics.CometQLOpened();
            try
            {
                await new CometQLSession(connection, _services, _stopping).RunAsync();
            }
            finally
            {
                _metrics.CometQLClosed();
                _limiter.Release(address);
            }
        }
        catch (Exception e) when (e is ConnectionResetException or IOException or OperationCanceledException or InvalidOperationException)
        {
            // The client went away mid-answer; nothing is left to tell it.
        }
    }

    /// <summary>As MySQL does: an error packet instead of the greeting, then close.</summary>
    private async Task RefuseAsync(ConnectionContext connection, Admission admission, IPAddress? address)
    {
        var (error, reason) = admission switch
        {
            Admission.NodeFull => (CometQLErrors.TooManyConnections, "node_limit"),
            // The same answer as a full node: to a backend (and its pool's retry) both mean "not now, maybe elsewhere".
            Admission.DescriptorsTaken => (CometQLErrors.TooManyConnections, "descriptor_limit"),
            Admission.AddressFull => (CometQLErrors.TooManyConnectionsFromAddress(address), "address_limit"),
            Admission.AddressBlocked => (CometQLErrors.HostBlocked(address), "address_blocked"),
            _ => (CometQLErrors.ServerShutdown, "draining"),
        };
        _instruments.Rejected(reason);
        CometQLLog.ConnectionRefused(_services.Logger, connection.RemoteEndPoint, reason);
        var packets = new PacketWriter(connection.Transport.Output);
        ErrorPacket.Write(packets, error);
        await connection.Transport.Output.FlushAsync();
    }
}
