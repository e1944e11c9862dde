using System.Globalization;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Comet.WebSockets.Transport;

/// <summary>
/// A WebSocket upgrade that reached the HTTP stack: a later request on a kept-alive HTTP/1.1
/// connection (some proxies reuse their connections) or an HTTP/2 extended CONNECT (RFC 8441). The
/// frames then travel through the upgraded request's stream.
/// </summary>
internal sealed class HttpContextUpgrade : WebSocketUpgrade
{
    private readonly HttpContext _context;
    private readonly IHttpExtendedConnectFeature? _extendedConnect;

    private HttpContextUpgrade(HttpContext context, IHttpExtendedConnectFeature? extendedConnect)
    {
        _context = context;
        _extendedConnect = extendedConnect;
    }

    /// <summary>The upgrade, or null when the request is not a valid WebSocket handshake.</summary>
    public static HttpContextUpgrade? TryCreate(HttpContext context, string urlPart)
    {
        var request = context.Request;
        var headers = request.Headers;
        var extended = context.Features.Get<IHttpExtendedConnectFeature>();
        var http2 = extended is { IsExtendedConnect: true } && string.Equals(extended.Protocol, "websocket", StringComparison.OrdinalIgnoreCase);
        var http1 = !http2 && HttpMethods.IsGet(request.Method)
            && context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
            && HasToken(headers.Upgrade.ToString(), "websocket")
            && HasToken(headers.Connection.ToString(), "upgrade")
            && WebSocketFrames.IsValidKey(headers.SecWebSocketKey.ToString());
        if (!(http1 || http2) || headers.SecWebSocketVersion.ToString() != "13")
        {
            return null;
        }
        return new HttpContextUpgrade(context, http2 ? extended : null)
        {
            UrlPart = urlPart,
            RemoteAddress = context.Connection.RemoteIpAddress,
            Origin = headers.Origin.Count == 0 ? null : headers.Origin.ToString(),
            UserAgent = headers.UserAgent.ToString(),
            AcceptLanguage = headers.AcceptLanguage.ToString(),
            ForwardedFor = headers["X-Forwarded-For"].ToString(),
            OffersChat = HasToken(headers.SecWebSocketProtocol.ToString(), "chat"),
        };
    }

    public override Task RefuseAsync(int statusCode, string message, int? retryAfterSeconds = null)
    {
        var response = _context.Response;
        response.StatusCode = statusCode;
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            response.Headers.Connection = "close";
        }
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(message, _context.RequestAborted);
    }

    public override async ValueTask<CometWebSocket> AcceptAsync(string? subProtocol, WebSocketTransportSettings settings)
    {
        var headers = _context.Response.Headers;
        if (subProtocol is not null)
        {
            headers.SecWebSocketProtocol = subProtocol;
        }
        Stream stream;
        if (_extendedConnect is not null)
        {
            stream = await _extendedConnect.AcceptAsync();
        }
        else
        {
            headers.Connection = "Upgrade";
            headers.Upgrade = "websocket";
            headers.SecWebSocketAccept = WebSocketFrames.AcceptKey(_context.Request.Headers.SecWebSocketKey.ToString());
            stream = await _context.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync();
        }
        var pipe = new StreamPipe(
            PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true)),
            PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)));
        return new CometWebSocket(pipe, _context.Abort, settings, _context.RequestAborted);
    }

    private sealed record StreamPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
