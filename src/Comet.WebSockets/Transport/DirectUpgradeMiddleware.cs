using System.Buffers;
using Comet.Core.ProxyProtocol;
using Comet.WebSockets.Session;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Connections;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Comet.WebSockets.Transport;

/// <summary>
/// Kestrel connection middleware on the HTTP ports: when a connection's first request is a WebSocket
/// upgrade to a connect route, it is answered here and the connection becomes a
/// <see cref="CometWebSocket"/> on the socket's own pipes. Kestrel's HTTP connection would otherwise
/// stay alive under every WebSocket (memory per idle connection) and sit on every frame's path (CPU
/// per delivery). Every other first request, untouched, goes on to the HTTP stack.
/// </summary>
/// <param name="limits">Kestrel's limits, read when a connection arrives (configuration binds them after the listeners are set up).</param>
/// <param name="proxyInstruments">Counts PROXY headers refused here: from a peer that is not a trusted proxy (a trusted
/// proxy's header was read before, by ProxyProtocolMiddleware).</param>
internal sealed partial class DirectUpgradeMiddleware(
    WebSocketConnectionHandler handler,
    KestrelServerLimits limits,
    ProxyProtocolInstruments proxyInstruments,
    ILogger logger)
{
    public ConnectionDelegate Wrap(ConnectionDelegate next) => connection => OnConnectedAsync(connection, next);

    private async Task OnConnectedAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        if (connection.Features.Get<ITlsApplicationProtocolFeature>() is { } alpn && alpn.ApplicationProtocol.Span.SequenceEqual("h2"u8))
        {
            await next(connection);
            return;
        }
        var (handled, request) = await ReadFirstRequestAsync(connection);
        if (request is not null)
        {
            await handler.HandleAsync(new DirectUpgrade(connection, request.Key)
            {
                UrlPart = request.UrlPart,
                RemoteAddress = (connection.RemoteEndPoint as System.Net.IPEndPoint)?.Address,
                Origin = request.Origin,
                UserAgent = request.UserAgent,
                AcceptLanguage = request.AcceptLanguage,
                ForwardedFor = request.ForwardedFor,
                OffersChat = request.OffersChat,
            });
        }
        else if (!handled)
        {
            await next(connection);
        }
    }

    /// <summary>A PROXY header from a peer that is not a trusted proxy: 400 with the reason, then close.</summary>
    private async Task RefuseProxyHeaderAsync(ConnectionContext connection)
    {
        var message = ProxyRefusals.Untrusted(connection.RemoteEndPoint);
        proxyInstruments.Refused("http", "untrusted");
        LogProxyHeaderRefused(logger, connection.RemoteEndPoint, message);
        try
        {
            await ProxyRefusals.WriteHttpAsync(connection.Transport.Output, message);
            await ProxyRefusals.DrainAsync(connection.Transport.Input);
        }
        catch (Exception exception) when (exception is IOException or ConnectionAbortedException or InvalidOperationException)
        {
            // The peer is gone already.
        }
    }

    /// <summary>
    /// Reads until the first request's head is complete: an upgrade is consumed and returned; anything
    /// else is left unread for the HTTP stack. The same limits as Kestrel's apply: its keep-alive
    /// timeout before the first byte, its header timeout after, its size limits (beyond them the HTTP
    /// stack gives its usual 431).
    /// </summary>
    private async Task<(bool Handled, HandshakeParser.Request? Request)> ReadFirstRequestAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var maxHead = limits.MaxRequestLineSize + limits.MaxRequestHeadersTotalSize;
        using var timeout = new CancellationTokenSource(limits.KeepAliveTimeout);
        var started = false;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                connection.Abort(new ConnectionAbortedException("The request head did not arrive in time."));
                return (true, null);
            }
            catch (Exception exception) when (exception is IOException or ConnectionAbortedException)
            {
                return (true, null);
            }
            var buffer = result.Buffer;
            if (!started && !buffer.IsEmpty)
            {
                started = true;
                timeout.CancelAfter(limits.RequestHeadersTimeout);
            }
            var proxy = ProxyHeaderParser.Detect(buffer);
            if (proxy == ProxyHeaderParser.Signature.Partial && !result.IsCompleted)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }
            if (proxy is ProxyHeaderParser.Signature.V1 or ProxyHeaderParser.Signature.V2)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                await RefuseProxyHeaderAsync(connection);
                return (true, null);
            }
            var verdict = HandshakeParser.Parse(buffer, limits.MaxRequestLineSize, maxHead, out var request, out var end);
            if (verdict == HandshakeParser.Verdict.NeedMore && !result.IsCompleted)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }
            if (verdict == HandshakeParser.Verdict.Upgrade)
            {
                input.AdvanceTo(end);
                return (true, request);
            }
            // Every byte stays in the pipe, and is seen again by the HTTP stack's first read.
            input.AdvanceTo(buffer.Start);
            return (false, null);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "http: connection from {Peer} refused: {Reason}")]
    private static partial void LogProxyHeaderRefused(ILogger logger, System.Net.EndPoint? peer, string reason);
}
