using System.Buffers;
using Comet.WebSockets.Session;
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
internal sealed class DirectUpgradeMiddleware(WebSocketConnectionHandler handler, KestrelServerLimits limits)
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
}
