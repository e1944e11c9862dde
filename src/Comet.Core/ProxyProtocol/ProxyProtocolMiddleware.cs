using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Comet.Core.ProxyProtocol;

/// <summary>Answers a connection whose PROXY header was refused, in the port's own protocol, before it is closed.</summary>
public delegate ValueTask ProxyRefusal(PipeWriter output, string message);

/// <summary>
/// Kestrel connection middleware, first on a listener: a connection from a trusted proxy must start
/// with a PROXY header (v1 or v2), and from then on carries the client's address and port as its
/// remote endpoint (the per-address limits, logs and presence see the client, not the proxy). Without
/// a valid header in time it is answered with the port's refusal and closed: the specification forbids
/// guessing. Connections from other addresses pass untouched; a header they send is refused later by
/// the port's protocol (CometQL's first packet, the WebSocket handshake).
/// </summary>
internal sealed class ProxyProtocolMiddleware(
    TrustedProxies trusted,
    TimeSpan headerTimeout,
    string port,
    ProxyRefusal refusal,
    ProxyProtocolInstruments instruments,
    ILogger logger)
{
    public ConnectionDelegate Wrap(ConnectionDelegate next) => connection => OnConnectedAsync(connection, next);

    private async Task OnConnectedAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        if (connection.RemoteEndPoint is not IPEndPoint peer || !trusted.Contains(peer.Address))
        {
            await next(connection);
            return;
        }
        var (header, failure) = await ReadHeaderAsync(connection.Transport.Input);
        if (failure is not null)
        {
            if (failure.Value.Reason is not null)
            {
                instruments.Refused(port, failure.Value.Reason);
                ProxyProtocolLog.Refused(logger, port, peer, failure.Value.Message);
                await refusal(connection.Transport.Output, failure.Value.Message);
                await ProxyRefusals.DrainAsync(connection.Transport.Input);
            }
            return;
        }
        if (header.HasAddresses)
        {
            connection.RemoteEndPoint = header.Source;
            connection.LocalEndPoint = header.Destination;
        }
        ProxyProtocolLog.Accepted(logger, port, peer, header.Version, connection.RemoteEndPoint);
        await next(connection);
    }

    /// <summary>The header, or why there is none (a null reason: the peer closed, nothing to answer).</summary>
    private async Task<(ProxyHeader Header, (string? Reason, string Message)? Failure)> ReadHeaderAsync(PipeReader input)
    {
        using var timeout = new CancellationTokenSource(headerTimeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return (default, ("timeout", $"No PROXY protocol header arrived within {headerTimeout.TotalSeconds:0.#} s from a trusted proxy."));
            }
            catch (Exception e) when (e is IOException or ConnectionAbortedException or ConnectionResetException)
            {
                return (default, (null, "closed"));
            }
            var buffer = result.Buffer;
            var status = ProxyHeaderParser.TryParse(buffer, out var header, out var end, out var error);
            switch (status)
            {
                case ProxyHeaderParser.Status.Parsed:
                    input.AdvanceTo(end);
                    return (header, null);
                case ProxyHeaderParser.Status.NeedMore when !result.IsCompleted:
                    input.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                case ProxyHeaderParser.Status.NeedMore:
                    input.AdvanceTo(buffer.Start, buffer.End);
                    return (default, (null, "closed"));
                case ProxyHeaderParser.Status.NotProxy:
                    input.AdvanceTo(buffer.Start, buffer.End);
                    return (default, ("missing", "A trusted proxy must start the connection with a PROXY protocol header (v1 or v2); none was sent."));
                default:
                    input.AdvanceTo(buffer.Start, buffer.End);
                    return (default, ("malformed", "Malformed PROXY protocol header: " + error + "."));
            }
        }
    }
}
